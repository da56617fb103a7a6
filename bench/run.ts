// Side-by-side benchmark: Latch against bare Bun, Bun + bun:sqlite, ws + express-session and
// Socket.IO + express-session, on one machine in one run; prints the tables and writes bench/RESULTS.md.
// Run: bun run bench [-- --quick]   (also --servers=latch,bare-bun --lines=upgrade,echo100 --trials=n)
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { replaceSection } from "./report.ts";
import { makeCertificate } from "./lib/cert.ts";
import { runIdleLine, runInRounds, runOnOneServer, type Row } from "./lib/lines.ts";
import { describeMachine, describeSource } from "./lib/machine.ts";
import { isPartial, makePlan } from "./lib/plan.ts";
import { reading } from "./lib/reading.ts";
import { earlierTable, memoryTable, ratioTable, signInTable, targetTable, throughputTable, type Revocation } from "./lib/render.ts";
import { runRevocation } from "./lib/revocation-run.ts";
import { latchPaths, seedLatch } from "./lib/seed-latch.ts";
import { CLIENT_CORE, LATCH_LOAD_ENV, REPO_ROOT } from "./lib/servers.ts";

const argv = process.argv.slice(2);
const plan = makePlan(argv);
const started = Date.now();
const log = (line: string) => console.log(line);

if (!existsSync(join(import.meta.dir, "node_modules/socket.io"))) {
  log("installing the peers' dependencies (npm ci in bench/)");
  if (Bun.spawnSync(["npm", "ci", "--no-audit", "--no-fund"], { cwd: import.meta.dir, stdout: "inherit", stderr: "inherit" }).exitCode !== 0) process.exit(1);
}
// This process (and the load clients) on one core, every server on the other.
Bun.spawnSync(["taskset", "-a", "-p", "-c", CLIENT_CORE, String(process.pid)]);

const cert = makeCertificate();
const latch = latchPaths(cert.dir);
const files = { dir: cert.dir, cert, latchDataDir: latch.dataDir, latchCookies: latch.cookies };
await seedLatch(latch.dataDir, latch.cookies);
log(`run folder ${cert.dir}; Latch seeded with 1,000 users and 10,000 sessions`);

const source = describeSource(REPO_ROOT);
const rows: Row[] = [];
const throughputLines = plan.lines.filter((line) => line === "upgrade" || line === "echo100" || line === "echo1000");
try {
  if (throughputLines.length) rows.push(...(await runInRounds(plan.specs, plan, (spec, once) => runOnOneServer(spec, throughputLines, once, files, log))));
  if (plan.lines.includes("idle")) rows.push(...(await runInRounds(plan.specs, plan, async (spec, once) => [await runIdleLine(spec, once, files, log)])));
  const latchSpec = plan.specs.find((spec) => spec.kind === "latch");
  if (plan.lines.includes("signin") && latchSpec) rows.push(...(await runOnOneServer(latchSpec, ["signin"], plan, files, log)));
} finally {
  rmSync(cert.dir, { recursive: true, force: true });
}
const revocation: Revocation | null = isPartial(argv) ? null : await runRevocation(plan.quick, log);

const { machine, versions } = describeMachine();
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const setup = [
  `Run \`bun run bench${plan.quick ? " -- --quick" : ""}\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC (${minutes} min).`,
  "",
  `- Latch measured: ${source}.`,
  `- Machine: ${machine}.`,
  `- Versions: ${versions}.`,
  `- Load client: one Bun process (native WebSocket) pinned to core ${CLIENT_CORE} with \`taskset\`; each server its own process pinned to the other core. All traffic on 127.0.0.1; one self-signed ECDSA P-256 certificate per run for every TLS server.`,
  `- Each line ${plan.trials} time(s): median (min-max). Trials run in rounds (every server once per round, a fresh process for each), so drift during the pass falls on all servers alike. Warm-up ${plan.warmupMs / 1000} s, then a ${plan.windowMs / 1000} s window for upgrades and echo; a window in which other processes used more than ${plan.policy.maxOtherCores} of a core is run again (up to ${plan.policy.retries} times) and flagged if still disturbed.`,
  "- Sessions: 10,000 in each server's store (10 per user, 1,000 users); each client takes the next cookie. Peers: express-session MemoryStore, pre-populated; bun:sqlite table for the lookup peer; Latch: its own libSQL database, seeded through `createSession`.",
  `- Latch runs as \`bun src/main.ts\` with its defaults (info logging, Origin allow-list, 20 sockets per user, session checks on every message) except the per-socket message rate limit, raised for the load: ${Object.entries(LATCH_LOAD_ENV).map(([k, v]) => `${k}=${v}`).join(", ")}.`,
  "- The echo is the same JSON request on every server: `{\"type\":\"ping\",\"id\":n}` answered by `{\"type\":\"result\",\"id\":n,\"ok\":true,\"user\":...}` (Socket.IO: an `echo` event answered through its acknowledgement). Bare Bun parses and answers the same JSON, without auth.",
].join("\n");

const tables = [
  "### Upgrades and echo\n",
  throughputTable(rows),
  `\n### Memory with ${plan.idleSockets.toLocaleString("en-US")} idle authenticated sockets\n`,
  memoryTable(rows, plan.idleSockets),
  "\n### Sign-in through the ticket handshake, 8 at once, and a bystander socket pinging every 5 ms\n",
  signInTable(rows),
  "\n### Ratios, Latch over each peer (wss://, server CPU per operation unless said)\n",
  ratioTable(rows),
  "\n### Targets\n",
  targetTable(rows, revocation),
  "\n### The peers on plain ws:// beside the earlier figures\n",
  earlierTable(rows),
].join("\n");

log(`\n${tables}\n`);
if (isPartial(argv)) {
  log("(a narrowed run: bench/RESULTS.md left as it was)");
} else {
  replaceSection("Side by side: setup", setup);
  replaceSection("Side by side: results", tables);
  replaceSection("Side by side: what limits each figure", reading(rows));
  log("wrote bench/RESULTS.md");
}
process.exit(0);
