// Load: authenticated upgrades — `concurrency` clients each connect with a session cookie, wait
// for the welcome (the first authenticated reply), close, and start again.
import { readCookies, openClientSocket, type Target } from "./client-socket.ts";
import { percentile, snapshot, windowBetween } from "./cpu.ts";

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
  let done = 0;
  let errors = 0;
  let lastError = "";
  let measuring = false;
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
      if (measuring) latencies.push(performance.now() - started);
      done++;
      socket.ws.close();
      await socket.closed;
    }
  }

  const clients = Array.from({ length: concurrency }, client);
  await Bun.sleep(warmupMs);
  measuring = true;
  const start = snapshot(target.serverPid, done);
  await Bun.sleep(windowMs);
  const end = snapshot(target.serverPid, done);
  measuring = false;
  stop = true;
  await Promise.all(clients);
  return { ...windowBetween(start, end), p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), errors, lastError };
}
