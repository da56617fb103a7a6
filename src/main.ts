// Composition root: read config, start the server, stop cleanly on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./lib/log.ts";
import { startServer, type RunningServer } from "./server.ts";

// One clear line naming the variable, then a non-zero exit; anything else is a real crash.
function exitOnConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`latch: bad configuration: ${error.message}`);
  process.exit(1);
}

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  exitOnConfigError(error);
}

const logger = createLogger(config.logLevel);

// The handlers go in before the server starts: a signal that arrives while it starts (or just
// after "listening") is kept and honoured, instead of killing the process half-way.
let running: RunningServer | null = null;
let pendingSignal: NodeJS.Signals | null = null;
function shutdown(server: RunningServer, signal: NodeJS.Signals): void {
  logger.info({ event: "shutdown", signal });
  server.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ event: "shutdown_failed", err: error });
      process.exit(1);
    },
  );
}
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (running) shutdown(running, signal);
    else pendingSignal ??= signal;
  });
}

try {
  running = await startServer(config, logger);
} catch (error) {
  exitOnConfigError(error);
}
if (pendingSignal) shutdown(running, pendingSignal);
