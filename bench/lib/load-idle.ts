// Load: idle memory — warm the server up, read its RSS, open `connections` authenticated sockets
// that then send nothing, let it settle, read its RSS again.
import { openMany, readCookies, type Target } from "./client-socket.ts";
import { rssKiB, snapshot, windowBetween } from "./cpu.ts";

export interface IdleConfig {
  target: Target;
  connections: number;
  settleMs: number;
}

const WARMUP_SOCKETS = 200;

/** Opens and holds the sockets; returns RSS before, after, and the increment per socket. */
export async function runIdle({ target, connections, settleMs }: IdleConfig) {
  const cookies = readCookies(target);
  // Warm-up: the first connections pay for code paths and TLS contexts, not per-socket memory.
  const warm = await openMany(target, cookies, WARMUP_SOCKETS, 50, connections);
  for (const socket of warm) socket.ws.close();
  await Promise.all(warm.map((socket) => socket.closed));
  await Bun.sleep(settleMs);
  const beforeKiB = rssKiB(target.serverPid);

  const start = snapshot(target.serverPid, 0);
  const sockets = await openMany(target, cookies, connections, 100);
  const connected = snapshot(target.serverPid, sockets.length);
  await Bun.sleep(settleMs);
  const afterKiB = rssKiB(target.serverPid);
  let closedEarly = 0;
  for (const socket of sockets) if (socket.ws.readyState !== WebSocket.OPEN) closedEarly++;

  for (const socket of sockets) socket.ws.close();
  await Promise.race([Promise.all(sockets.map((socket) => socket.closed)), Bun.sleep(10_000)]);
  const opening = windowBetween(start, connected);
  return {
    ...opening,
    beforeKiB,
    afterKiB,
    perSocketKiB: (afterKiB - beforeKiB) / connections,
    errors: closedEarly,
    lastError: closedEarly ? `${closedEarly} sockets closed while idle` : "",
  };
}
