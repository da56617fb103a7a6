// kill -9 in the middle of a storm of sign-ups and sign-ins: after a restart the database holds no
// half-made user, session or ticket (DB-2).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { request } from "../helpers/http.ts";
import { spawnLatch, TIMED_OUT, withTimeout, type LatchProcess } from "../helpers/process.ts";
import { makeTempDir } from "../helpers/server.ts";
import { askForTicket, redeemTicket } from "../helpers/sign-in.ts";
import { openSocket, type TestSocket } from "../helpers/ws.ts";

const PASSWORD = "correct horse battery staple";
const TICKET_TTL_MS = 60_000; // LATCH_TICKET_SECONDS default
const OPERATIONS_PER_ROUND = 200;
// Each round is killed at a different point: after this many operations finished, or at the
// time limit, whichever comes first.
const ROUNDS = [
  { killAfterDone: 5, killAfterMs: 150 },
  { killAfterDone: 40, killAfterMs: 1500 },
  { killAfterDone: 100, killAfterMs: 3000 },
];
const SEEDED_USERS = 8;
const ARGON2ID = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

let dataDir: string;
let env: Record<string, string>;
let latch: LatchProcess | null = null;
let db: Client;
/** Users whose creation the server confirmed (201, or a ticket for a socket registration) before a kill. */
const confirmed: string[] = [];
const seeded: string[] = [];
const outcomes = { done: 0, cutOff: 0 };

beforeAll(() => {
  dataDir = makeTempDir("latch-crash-");
  env = {
    LATCH_DATA_DIR: dataDir,
    // Every request comes from 127.0.0.1: lift the per-IP limits so throttling does not interfere.
    LATCH_THROTTLE_IP_FREE_FAILURES: "1000000",
    LATCH_REGISTRATIONS_PER_IP_PER_HOUR: "1000000",
    LATCH_WS_SOCKETS_PER_USER: "100000",
  };
});
afterAll(async () => {
  db?.close();
  if (latch) await latch.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<string> {
  // A round that failed half-way may have left its process running.
  if (latch) await latch.stop("SIGKILL").catch(() => {});
  latch = spawnLatch({ env });
  return latch.listening(20_000);
}

/** Rejects as soon as the socket closes, so a killed server cuts the step off at once. */
async function step(socket: TestSocket, work: Promise<Record<string, any>>): Promise<Record<string, any>> {
  return Promise.race([work, socket.closed.then((c) => Promise.reject(new Error(`socket closed ${c.code}`)))]);
}

/** How far a socket sign-in goes: all the way, or left with an open ticket (redeemed or not). */
type Stop = "complete" | "ticket" | "redeemed";

async function socketSignIn(origin: string, wsUrl: string, type: "register" | "login", username: string, stop: Stop = "complete"): Promise<void> {
  const socket = await openSocket(wsUrl);
  try {
    await step(socket, socket.next());
    const { reply, ticket, verifier } = await step(socket, askForTicket(socket, type, username, PASSWORD));
    if (!reply.ok || !ticket) throw new Error(`${type} refused: ${JSON.stringify(reply)}`);
    if (type === "register") confirmed.push(username);
    if (stop === "ticket") return;
    const { response } = await redeemTicket(origin, ticket, verifier);
    if (response.status !== 204) throw new Error(`redeem: ${response.status}`);
    if (stop === "redeemed") return;
    const complete = await step(socket, socket.call({ type: "login.complete", id: 1 }));
    if (!complete.ok) throw new Error(`complete: ${JSON.stringify(complete)}`);
  } finally {
    socket.ws.close();
  }
}

async function httpRegister(origin: string, username: string): Promise<void> {
  const response = await request(origin, "POST", "/auth/register", { json: { username, password: PASSWORD } });
  await response.body?.cancel();
  if (response.status !== 201) throw new Error(`register: ${response.status}`);
  confirmed.push(username);
}

async function httpLogin(origin: string, username: string): Promise<void> {
  const response = await request(origin, "POST", "/auth/login", { json: { username, password: PASSWORD } });
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`login: ${response.status}`);
}

/** Operation `i` of a round: the sign-in paths in turn, two of them leaving a ticket behind. */
function operation(origin: string, wsUrl: string, round: number, i: number): Promise<void> {
  const name = `crash-${round}-${i}`;
  const existing = seeded[i % seeded.length]!;
  switch (i % 6) {
    case 0: return httpRegister(origin, name);
    case 1: return httpLogin(origin, existing);
    case 2: return socketSignIn(origin, wsUrl, "register", name);
    case 3: return socketSignIn(origin, wsUrl, "login", existing);
    case 4: return socketSignIn(origin, wsUrl, "login", existing, "ticket");
    default: return socketSignIn(origin, wsUrl, "register", name, "redeemed");
  }
}

async function stormAndKill(round: number, killAfterDone: number, killAfterMs: number): Promise<void> {
  const origin = await start();
  const wsUrl = `wss://127.0.0.1:${new URL(origin).port}/ws`;
  if (seeded.length === 0) {
    for (let i = 0; i < SEEDED_USERS; i++) {
      await httpRegister(origin, `seed-${i}`);
      seeded.push(`seed-${i}`);
    }
  }
  let done = 0;
  let kill!: () => void;
  const killNow = new Promise<void>((resolve) => (kill = resolve));
  const timer = setTimeout(kill, killAfterMs);
  const operations = Array.from({ length: OPERATIONS_PER_ROUND }, (_, i) =>
    operation(origin, wsUrl, round, i).then(() => {
      if (++done >= killAfterDone) kill();
    }),
  );
  // Handlers go on at once: the operations cut off by the kill reject while we wait for the exit.
  const settledAll = Promise.allSettled(operations);
  await killNow;
  clearTimeout(timer);
  latch!.proc.kill("SIGKILL");
  expect(await withTimeout(latch!.exited, 5000)).toBeNull();
  latch = null;
  // The operations cut off by the kill fail (reset connections, closed sockets): that is expected.
  const settled = await withTimeout(settledAll, 15_000);
  if (settled === TIMED_OUT) throw new Error("operations still pending 15 s after the kill");
  const finished = settled.filter((s) => s.status === "fulfilled").length;
  outcomes.done += finished;
  outcomes.cutOff += settled.length - finished;
  // The kill really came in the middle: some operations had finished, others had not.
  expect(finished).toBeLessThan(OPERATIONS_PER_ROUND);
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await db.execute(sql)).rows as unknown as Record<string, unknown>[];
}

describe("[DB-2] kill -9 during 200 concurrent registrations and sign-ins", () => {
  for (const [round, { killAfterDone, killAfterMs }] of ROUNDS.entries()) {
    test(`[DB-2] round ${round + 1}: SIGKILL after ${killAfterDone} finished or ${killAfterMs} ms`, async () => {
      await stormAndKill(round, killAfterDone, killAfterMs);
    }, 40_000);
  }

  describe("after a restart on the same data folder", () => {
    let origin: string;
    beforeAll(async () => {
      origin = await start();
      db = createClient({ url: `file:${join(dataDir, "latch.db")}`, timeout: 5000 });
      console.log(`[DB-2] crash: ${JSON.stringify({ ...outcomes, confirmedUsers: confirmed.length })}`);
    }, 30_000);

    test("[DB-2] PRAGMA integrity_check is ok and no foreign key is broken", async () => {
      expect(await rows("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
      expect(await rows("PRAGMA foreign_key_check")).toEqual([]);
    });

    test("[DB-2] no user without a whole Argon2id password hash", async () => {
      const users = await rows("SELECT username, password_hash FROM users");
      expect(users.length).toBeGreaterThanOrEqual(SEEDED_USERS);
      const bad = users.filter((u) => typeof u.password_hash !== "string" || !ARGON2ID.test(u.password_hash));
      expect(bad).toEqual([]);
    });

    test("[DB-2] every user confirmed before a kill is there", async () => {
      const present = new Set((await rows("SELECT username FROM users")).map((u) => u.username));
      expect(confirmed.filter((name) => !present.has(name))).toEqual([]);
    });

    test("[DB-2] no session without its user, and none half-written", async () => {
      expect(await rows("SELECT s.id FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE u.id IS NULL")).toEqual([]);
      const sessions = await rows("SELECT id, secret_hash, created_at, last_seen_at, expires_at FROM sessions");
      expect(sessions.length).toBeGreaterThan(0);
      const bad = sessions.filter(
        (s) => !/^[0-9a-f]{64}$/.test(String(s.secret_hash)) || Number(s.expires_at) <= Number(s.created_at) || Number(s.last_seen_at) < Number(s.created_at),
      );
      expect(bad).toEqual([]);
    });

    test("[DB-2] [TIX-1] no ticket without its user or its binding, and none usable beyond its lifetime", async () => {
      expect(await rows("SELECT t.token_hash FROM one_time_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE u.id IS NULL")).toEqual([]);
      const tickets = await rows("SELECT token_hash, challenge, socket_id, created_at, expires_at, redeemed_at FROM one_time_tokens");
      // Some sign-ins stop at the ticket on purpose, so there are tickets to check.
      expect(tickets.length).toBeGreaterThan(0);
      const tooLong = tickets.filter((t) => Number(t.expires_at) > Number(t.created_at) + TICKET_TTL_MS);
      expect(tooLong).toEqual([]);
      const unbound = tickets.filter((t) => !/^[0-9a-f]{64}$/.test(String(t.token_hash)) || !/^[A-Za-z0-9_-]{43}$/.test(String(t.challenge)) || !t.socket_id);
      expect(unbound).toEqual([]);
      const unredeemedTooLong = tickets.filter((t) => t.redeemed_at === null && Number(t.expires_at) > Number(t.created_at) + TICKET_TTL_MS);
      expect(unredeemedTooLong).toEqual([]);
    });

    test("[DB-2] the restarted server answers, a user registered before the kill signs in, and new writes work", async () => {
      expect((await request(origin, "GET", "/healthz")).status).toBe(200);
      const fromBefore = confirmed.slice(0, 3).concat(seeded.slice(0, 1));
      for (const username of fromBefore) await httpLogin(origin, username);
      await httpRegister(origin, "after-restart");
      const wsUrl = `wss://127.0.0.1:${new URL(origin).port}/ws`;
      await socketSignIn(origin, wsUrl, "login", confirmed[0]!);
    }, 30_000);
  });
});
