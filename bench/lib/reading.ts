// The short reading under the tables: what limits each figure, with this run's numbers in it.
import { median } from "../report.ts";
import type { Row } from "./lines.ts";
import { ratio } from "./render.ts";

const med = (row: Row | undefined, key: string) => (row ? median(row.trials.map((trial) => Number(trial[key]))) : NaN);

/** Bullets on what bounds each line, from the busy cores and the ratios of this run. */
export function reading(rows: Row[]): string {
  const at = (line: string, kind: string) => rows.find((row) => row.line === line && row.spec.kind === kind && row.spec.tls);
  const upgradeLatch = at("upgrade", "latch");
  const upgradeBare = at("upgrade", "bare-bun");
  const echoLatch = at("echo1000", "latch");
  const signIn = at("signin", "latch");
  const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : "-");
  return [
    "- Every figure is per operation of the server's CPU (utime + stime of all its threads, from",
    "  /proc/PID/stat) because on two cores the load client, pinned to the other core, is often the",
    "  bottleneck: ops/s then measures the client, and the busy-core column says which side was full.",
    `- Upgrades over TLS are dominated by the TLS handshake itself (bare Bun: ${med(upgradeBare, "serverUsPerOp").toFixed(0)} us per`,
    `  upgrade, almost all of it ECDHE + ECDSA and the record layer). Latch adds its handshake work on`,
    `  top: ${med(upgradeLatch, "serverUsPerOp").toFixed(0)} us, ${x(ratio(rows, "upgrade", "serverUsPerOp", "bare-bun"))} bare Bun and ${x(ratio(rows, "upgrade", "serverUsPerOp", "bun-sqlite"))} the minimal`,
    "  bun:sqlite lookup: the session lookup (a statement compiled once, ~11 us with the SHA-256), Bun's",
    "  upgrade call, the socket's bookkeeping and its open and close log lines. The profile section",
    "  below has the measured pieces.",
    `- Echo: bare Bun, Bun + lookup and Latch reply from the same native uWebSockets path; Latch adds`,
    `  the exact-ping check, the rate-limit bucket and the live-session check per message`,
    `  (${x(ratio(rows, "echo1000", "serverUsPerOp", "bare-bun"))} bare Bun at 1,000 connections, ${med(echoLatch, "serverUsPerOp").toFixed(1)} us). The Node peers pay for ws's JavaScript`,
    "  framing (and Socket.IO for its packet encoding and acks) on top of Node's TLS streams.",
    "- p99 latency at 1,000 connections is mostly queueing in the client, which owns one core and",
    "  round-trips 1,000 sockets; compare p99 only between servers under the same client.",
    "- Idle memory is the server's RSS growth divided by the sockets: the TLS session state and",
    "  uWebSockets' per-socket struct for the Bun servers, plus what each keeps in JavaScript per socket",
    "  (Latch: socket data with the user and session id, registry and live-session entries, a",
    "  deadline per session on one shared timer) and what its allocators keep from the handshakes.",
    `- Sign-in is bounded by Argon2id (m=19 MiB, t=2), about ${(med(signIn, "serverUsPerOp") / 1000).toFixed(0)} ms of server CPU per sign-in on one`,
    "  core; the hashes run on worker threads, so the event loop keeps answering the bystander, whose",
    "  latency then depends on the kernel scheduling the loop between the hashing threads.",
  ].join("\n");
}
