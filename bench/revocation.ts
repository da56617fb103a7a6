// Benchmark (not a test): revocation latency in-process and across two processes, and the
// event-loop cost of one feed read and one full re-check with 10,000 bound sockets.
// Run: bun bench/revocation.ts [--quick]   (writes the "Revocation" section of bench/RESULTS.md)
import { createSession } from "../src/auth/sessions.ts";
import { registerUser } from "../src/auth/users.ts";
import { registerOverHttp, request } from "../tests/helpers/http.ts";
import { spawnLatch } from "../tests/helpers/process.ts";
import { startTestServer } from "../tests/helpers/server.ts";
import { openSocket, type TestSocket } from "../tests/helpers/ws.ts";
import { median, replaceSection, stats } from "./report.ts";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 10 : 40;
const BOUND_SOCKETS = quick ? 2000 : 10_000;
const NO_CLIENT = { ip: "127.0.0.1", userAgent: "bench" };

// One user holds all 10,000 sockets, so the per-user socket limit is lifted for this run.
const a = await startTestServer({ LATCH_SESSION_RECHECK_SECONDS: "86400", LATCH_WS_SOCKETS_PER_USER: "100000" });
// B logs the duration of each feed read and re-check at debug level; it holds the 10,000
// sockets (a second process, so neither side runs out of file descriptors).
const RECHECK_SECONDS = 5;
const b = spawnLatch({
  env: {
    LATCH_DATA_DIR: a.dataDir,
    LATCH_ORIGINS: a.origin,
    LATCH_LOG_LEVEL: "debug",
    LATCH_SESSION_RECHECK_SECONDS: String(RECHECK_SECONDS),
    LATCH_WS_SOCKETS_PER_USER: "100000",
  },
});
// If the run fails half-way, B must not outlive it.
process.on("exit", () => b.proc.kill("SIGKILL"));
const bOrigin = await b.listening();
const bWsUrl = `wss://127.0.0.1:${new URL(bOrigin).port}/ws`;

// Baseline: one HTTPS round trip to the same server, measured in the same run.
const healthz: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const started = performance.now();
  await (await request(a.origin, "GET", "/healthz")).text();
  healthz.push(performance.now() - started);
}

async function logoutToClose(wsUrl: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const cookie = await registerOverHttp(a.origin, `bench-revoke-${wsUrl.length}-${i}-${Date.now()}`);
    const socket = await openSocket(wsUrl, { origin: a.origin, cookie });
    await socket.next();
    // A random pause, so that logouts do not fall at the same phase of the other process's poll.
    await Bun.sleep(Math.random() * 500);
    const started = performance.now();
    await request(a.origin, "POST", "/auth/logout", { cookie });
    await socket.closed;
    times.push(performance.now() - started);
  }
  return times;
}

const inProcess = await logoutToClose(a.wsUrl, ROUNDS);
const crossProcess = await logoutToClose(bWsUrl, Math.min(ROUNDS, 20));

// 10,000 sockets, each bound to its own session, on instance B.
const user = await registerUser(a.running.auth, "bench-many", "correct horse battery staple", NO_CLIENT);
if (!user.ok) throw new Error("bench user");
const sockets: TestSocket[] = [];
for (let start = 0; start < BOUND_SOCKETS; start += 200) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(200, BOUND_SOCKETS - start) }, async () => {
      const { token } = await createSession(a.running.auth, user.user.id, NO_CLIENT);
      return openSocket(bWsUrl, { origin: a.origin, cookie: `__Host-latch_session=${token}` });
    }),
  );
  sockets.push(...batch);
}
// Let B run a few feed reads and at least two full re-checks with every socket bound.
const boundSince = b.lines.length;
const deadline = Date.now() + (RECHECK_SECONDS * 3 + 10) * 1000;
let feedEmpty: number[] = [];
let recheck: number[] = [];
while (Date.now() < deadline && recheck.length < 2) {
  await Bun.sleep(500);
  const recent = b.lines.slice(boundSince).flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, any>];
    } catch {
      return [];
    }
  });
  feedEmpty = recent.filter((log) => log.event === "feed_read" && log.revocations === 0 && log.sessions >= BOUND_SOCKETS).map((log) => log.ms);
  recheck = recent.filter((log) => log.event === "recheck" && log.sessions >= BOUND_SOCKETS).map((log) => log.ms);
}
const bound = { sockets: sockets.length, sessions: BOUND_SOCKETS };
if (recheck.length === 0 || feedEmpty.length === 0) throw new Error("B logged no feed read or re-check with every socket bound");

for (const socket of sockets) socket.ws.close();
await b.stop();
await a.stop();

const rows = [
  ["Baseline: HTTPS GET /healthz round trip", stats(healthz), "1.0x"],
  ["Logout -> close frame, same process", stats(inProcess), `${(median(inProcess) / median(healthz)).toFixed(1)}x`],
  ["Logout on A -> close frame on B (feed every 500 ms)", stats(crossProcess), `${(median(crossProcess) / median(healthz)).toFixed(1)}x`],
  [`One feed read, nothing new, ${bound.sockets} bound sockets`, stats(feedEmpty), `${(median(feedEmpty) / median(healthz)).toFixed(2)}x`],
  [`One full re-check of ${bound.sessions} sessions (batches of 500)`, stats(recheck), `${(median(recheck) / median(healthz)).toFixed(1)}x`],
];
const table = [
  "| Measurement | median ms (min-max) | / baseline |",
  "| --- | --- | --- |",
  ...rows.map((row) => `| ${row.join(" | ")} |`),
].join("\n");
console.log(table);
replaceSection(
  "Revocation",
  `Run \`bun bench/revocation.ts${quick ? " --quick" : ""}\` on ${new Date().toISOString().slice(0, 10)}, ${ROUNDS} rounds, Bun ${Bun.version}.\n\n${table}\n\n` +
    "Reading: in one process the close frame follows the logout response at once; across processes the\n" +
    "latency is the wait for the next feed read (uniform over the 500 ms interval) plus a query.\n" +
    "The feed read is one indexed range query whatever the number of sockets; the full re-check grows\n" +
    "with bound sessions (one query per 500) and runs once a minute.",
);
