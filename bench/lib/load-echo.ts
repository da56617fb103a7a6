// Load: echo round trips — `connections` authenticated sockets, each with one ping in flight,
// sending the next as soon as the reply arrives (closed loop).
import { openMany, readCookies, type Target } from "./client-socket.ts";
import { measureWindow, percentile } from "./cpu.ts";

export interface EchoConfig {
  target: Target;
  connections: number;
  warmupMs: number;
  windowMs: number;
}

/** Runs the echo loop; latency is send-to-reply of each ping in the window. */
export async function runEcho({ target, connections, warmupMs, windowMs }: EchoConfig) {
  const sockets = await openMany(target, readCookies(target), connections);
  const load = { done: 0, measuring: false };
  let stop = false;
  let inFlight = 0;
  const latencies: number[] = [];
  let drained: () => void = () => {};

  for (const [index, socket] of sockets.entries()) {
    let id = index * 1_000_000_000;
    let sentAt = 0;
    const send = () => {
      sentAt = performance.now();
      inFlight++;
      socket.ping(++id);
    };
    socket.onResult = (replyId) => {
      if (replyId !== id) throw new Error(`reply ${replyId} for ${id}`);
      inFlight--;
      if (load.measuring) latencies.push(performance.now() - sentAt);
      load.done++;
      if (!stop) send();
      else if (inFlight === 0) drained();
    };
    send();
  }

  const window = await measureWindow(target.serverPid, load, warmupMs, windowMs);
  stop = true;
  await Promise.race([new Promise<void>((resolve) => (drained = resolve)), Bun.sleep(5000)]);
  for (const socket of sockets) socket.ws.close();
  await Promise.race([Promise.all(sockets.map((socket) => socket.closed)), Bun.sleep(5000)]);
  return { ...window, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), errors: 0, lastError: "" };
}
