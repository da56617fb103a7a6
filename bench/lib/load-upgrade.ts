// Load: authenticated upgrades — `concurrency` clients each connect with a session cookie, wait
// for the welcome (the first authenticated reply), close, and start again.
import { readCookies, openClientSocket, type Target } from "./client-socket.ts";
import { measureWindow, percentile } from "./cpu.ts";

export interface UpgradeConfig {
  target: Target;
  concurrency: number;
  warmupMs: number;
  windowMs: number;
}

/** Runs the upgrade loop; figures come from the window after the warm-up. */
export async function runUpgrades({ target, concurrency, warmupMs, windowMs }: UpgradeConfig) {
  const cookies = readCookies(target);
  let next = 0;
  const load = { done: 0, measuring: false };
  let errors = 0;
  let lastError = "";
  let stop = false;
  const latencies: number[] = [];

  async function client(): Promise<void> {
    while (!stop) {
      const started = performance.now();
      const socket = openClientSocket(target, cookies.length ? cookies[next++ % cookies.length] : undefined);
      try {
        await socket.welcome;
      } catch (error) {
        errors++;
        lastError = String(error);
        await socket.closed;
        continue;
      }
      if (load.measuring) latencies.push(performance.now() - started);
      load.done++;
      socket.ws.close();
      await socket.closed;
    }
  }

  const clients = Array.from({ length: concurrency }, client);
  const window = await measureWindow(target.serverPid, load, warmupMs, windowMs);
  stop = true;
  await Promise.all(clients);
  return { ...window, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), errors, lastError };
}
