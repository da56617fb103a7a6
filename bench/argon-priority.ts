// Profiling aid (not part of `bun run bench`): how late the event loop runs while 8 Argon2id hashes
// share its one core — hashed as Latch hashes them today (the native thread pool, same priority as
// the loop) or on worker threads that lowered their own priority (nice 19).
// Run: bun bench/argon-priority.ts   (pins itself to core 1 for each variant; ~30 s)
import { hash } from "@node-rs/argon2";
import { join } from "node:path";
import { percentile } from "./lib/cpu.ts";

const IN_FLIGHT = 8;
const SECONDS = 8;
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
const variant = process.argv[2];

if (!variant) {
  // Parent: one child process per variant, each pinned to one core.
  for (const name of ["pool", "workers-nice0", "workers-nice19"]) {
    const child = Bun.spawn(["taskset", "-c", "1", process.execPath, import.meta.path, name], {
      env: { ...process.env, ARGON_NICE: name === "workers-nice19" ? "19" : "0" },
      stdout: "inherit",
      stderr: "inherit",
    });
    await child.exited;
  }
  process.exit(0);
}

let hashes = 0;
let stop = false;
async function poolLoop(): Promise<void> {
  while (!stop) {
    await hash("bench correct horse battery", OPTIONS);
    hashes++;
  }
}
const workers: Worker[] = [];
function workerLoop(): void {
  const worker = new Worker(join(import.meta.dir, "lib/argon-worker.ts"), { env: process.env } as WorkerOptions);
  workers.push(worker);
  worker.onmessage = () => {
    hashes++;
    if (!stop) worker.postMessage("bench correct horse battery");
  };
  worker.postMessage("bench correct horse battery");
}

// The bystander: a 5 ms timer; its lateness is what a socket message would wait for the loop.
const late: number[] = [];
let expected = performance.now() + 5;
const ticker = setInterval(() => {
  const now = performance.now();
  late.push(Math.max(0, now - expected));
  expected = now + 5;
}, 5);
for (let i = 0; i < IN_FLIGHT; i++) variant === "pool" ? void poolLoop() : workerLoop();
await Bun.sleep(SECONDS * 1000);
stop = true;
clearInterval(ticker);
for (const worker of workers) worker.terminate();
console.log(
  `${variant.padEnd(15)} ${(hashes / SECONDS).toFixed(1)} hashes/s; event-loop lateness p50 ${percentile(late, 50).toFixed(2)} ms, ` +
    `p99 ${percentile(late, 99).toFixed(2)} ms, max ${Math.max(...late).toFixed(2)} ms`,
);
process.exit(0);
