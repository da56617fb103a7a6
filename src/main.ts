// Composition root: read config, start the server, stop cleanly on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./lib/log.ts";
import { startServer } from "./server.ts";

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One clear line naming the variable, then a non-zero exit.
  console.error(`latch: bad configuration: ${error.message}`);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
const running = await startServer(config, logger);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    logger.info({ event: "shutdown", signal });
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ event: "shutdown_failed", err: error });
        process.exit(1);
      },
    );
  });
}
