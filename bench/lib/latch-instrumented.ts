// Latch started as src/main.ts starts it, plus the SIGUSR2 heap report (bench/memory-breakdown.ts).
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/lib/log.ts";
import { startServer } from "../../src/server.ts";
import { reportHeapOnSignal } from "./heap-signal.ts";

const config = loadConfig(process.env);
const running = await startServer(config, createLogger(config.logLevel));
reportHeapOnSignal();
process.on("SIGTERM", () => void running.stop().then(() => process.exit(0)));
