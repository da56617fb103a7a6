// Worker for bench/argon-priority.ts: lowers its own thread's priority (Linux nice is per thread),
// then answers each message with one Argon2id hash at Latch's parameters.
import { hashSync } from "@node-rs/argon2";
import { setPriority } from "node:os";

declare const self: Worker;
const nice = Number(process.env.ARGON_NICE ?? 0);
if (nice) setPriority(nice); // pid 0: on Linux, the calling thread only
self.onmessage = (event: MessageEvent<string>) => {
  postMessage(hashSync(event.data, { memoryCost: 19456, timeCost: 2, parallelism: 1 }));
};
