// Profiles one server under one load: `bun bench/profile.ts --server=latch --line=upgrade [--seconds=8]`.
// The server runs with --cpu-prof (JavaScript samples) and, with --perf, under `perf record` (native
// code too: TLS, uWebSockets, SQLite); prints the heaviest functions. For finding what limits a figure.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate } from "./lib/cert.ts";
import { summarizeProfile } from "./lib/cpuprofile.ts";
import type { LoadConfig } from "./lib/load-client.ts";
import { runClient } from "./lib/run-client.ts";
import { latchPaths, seedLatch } from "./lib/seed-latch.ts";
import { startServer, type ServerKind } from "./lib/servers.ts";

const option = (name: string, fallback: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const kind = option("server", "latch") as ServerKind;
const line = option("line", "upgrade");
const seconds = Number(option("seconds", "8"));
const usePerf = process.argv.includes("--perf");
const extraEnv = Object.fromEntries(process.argv.filter((arg) => arg.startsWith("--env=")).map((arg) => arg.slice(6).split("=") as [string, string]));

const cert = makeCertificate();
const latch = latchPaths(cert.dir);
if (kind === "latch") await seedLatch(latch.dataDir, latch.cookies);
const files = { dir: cert.dir, cert, latchDataDir: latch.dataDir, latchCookies: latch.cookies };
const server = await startServer({ kind, tls: option("tls", "true") === "true" }, files, extraEnv, [
  "--cpu-prof",
  `--cpu-prof-dir=${cert.dir}`,
  ...(kind.includes("express") ? [] : ["--cpu-prof-interval=250"]),
]);
const { target } = server;
const window = { warmupMs: 1000, windowMs: seconds * 1000 };
const config: LoadConfig =
  line === "upgrade"
    ? { mode: "upgrade", target, concurrency: 50, ...window }
    : line === "idle"
      ? { mode: "idle", target, connections: 10_000, settleMs: 2000 }
      : { mode: "echo", target, connections: line === "echo100" ? 100 : 1000, ...window };
const perf = usePerf
  ? Bun.spawn(["perf", "record", "-F", "999", "-g", "-o", join(cert.dir, "perf.data"), "-p", String(server.pid)], { stdout: "ignore", stderr: "ignore" })
  : null;
const result = await runClient(config, 120_000);
perf?.kill("SIGINT");
await perf?.exited;
await server.stop();
console.log(`${kind} ${line}: ${result.opsPerSecond.toFixed(0)} ops/s, server ${result.serverUsPerOp.toFixed(1)} us/op\n`);

const file = readdirSync(cert.dir).find((name) => name.endsWith(".cpuprofile"));
if (file) {
  const { totalMs, functions } = summarizeProfile(join(cert.dir, file));
  const row = (f: { name: string; selfMs: number; totalMs: number }) =>
    `${((f.selfMs / totalMs) * 100).toFixed(1).padStart(5)}% self ${((f.totalMs / totalMs) * 100).toFixed(1).padStart(5)}% total  ${f.name}`;
  console.log(`JavaScript profile, ${(totalMs / 1000).toFixed(1)} s sampled. By self time:`);
  for (const f of [...functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, 30)) console.log(row(f));
  console.log("\nBy inclusive time:");
  for (const f of [...functions].sort((a, b) => b.totalMs - a.totalMs).slice(0, 45)) console.log(row(f));
}
if (usePerf) {
  const report = Bun.spawnSync(["perf", "report", "-i", join(cert.dir, "perf.data"), "--no-children", "--sort", "dso,symbol", "--stdio", "-g", "none", "--percent-limit", "0.7"]);
  console.log(`\nperf (native and JIT code, self time):\n${report.stdout.toString().split("\n").filter((l) => l && !l.startsWith("#")).slice(0, 50).join("\n")}`);
}
console.log(`\nfiles kept in ${cert.dir}`);
