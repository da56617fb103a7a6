// Profiling aid (not part of `bun run bench`): where the per-socket memory of idle authenticated
// sockets goes, in Latch and in bare Bun. Opens 10,000 sockets, then asks the server (SIGUSR2) for
// its RSS before and after a full GC and for JavaScriptCore's object counts by type.
// Run: bun bench/memory-breakdown.ts [--sockets=10000]
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate } from "./lib/cert.ts";
import { openMany, readCookies, type Target } from "./lib/client-socket.ts";
import { rssByMapping, rssKiB } from "./lib/cpu.ts";
import { latchPaths, seedLatch } from "./lib/seed-latch.ts";
import { LATCH_LOAD_ENV, REPO_ROOT, SERVER_CORE } from "./lib/servers.ts";

const SOCKETS = Number(process.argv.find((arg) => arg.startsWith("--sockets="))?.split("=")[1] ?? 10_000);
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
const cert = makeCertificate();
const latch = latchPaths(cert.dir);
await seedLatch(latch.dataDir, latch.cookies);

type Heap = { rssBeforeGcKiB: number; rssKiB: number; heapSize: number; heapCapacity: number; extraMemorySize: number; objectCount: number; objectTypeCounts: Record<string, number> };

async function breakdown(name: string, script: string, env: Record<string, string>, cookiesFile?: string): Promise<void> {
  const logPath = join(cert.dir, `${name}.log`);
  const out = openSync(logPath, "w");
  const proc = Bun.spawn(["taskset", "-c", SERVER_CORE, process.execPath, script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, PORT: "0", HOST: "127.0.0.1", TLS_CERT: cert.certPath, TLS_KEY: cert.keyPath, ...env },
    stdout: out,
    stderr: out,
  });
  closeSync(out);
  const heapLines = () => readFileSync(logPath, "utf8").split("\n").filter((line) => line.includes('"event":"heap"'));
  let origin = "";
  for (let i = 0; i < 200 && !origin; i++, await Bun.sleep(50)) origin = /"event":"listening".*?"url":"([^"]+)"/.exec(readFileSync(logPath, "utf8"))?.[1] ?? "";
  origin = new URL(origin).origin;
  const askHeap = async (): Promise<Heap> => {
    const seen = heapLines().length;
    proc.kill("SIGUSR2");
    for (let i = 0; i < 100 && heapLines().length === seen; i++) await Bun.sleep(50);
    return JSON.parse(heapLines().at(-1)!) as Heap;
  };
  const target: Target = { base: origin.replace("https", "wss"), origin, wire: "json", expectUser: Boolean(cookiesFile), serverPid: proc.pid, cookiesFile };
  const cookies = readCookies(target);
  const warm = await openMany(target, cookies, 200, 50, SOCKETS);
  for (const socket of warm) socket.ws.close();
  await Promise.all(warm.map((socket) => socket.closed));
  await Bun.sleep(1000);
  const rssIdle = rssKiB(proc.pid);
  const before = await askHeap();
  const mapsBefore = rssByMapping(proc.pid);
  const sockets = await openMany(target, cookies, SOCKETS, 100);
  await Bun.sleep(3000);
  const rssOpen = rssKiB(proc.pid);
  const after = await askHeap();
  const mapsAfter = rssByMapping(proc.pid);
  for (const socket of sockets) socket.ws.close();
  proc.kill("SIGTERM");
  await proc.exited;

  const per = (bytes: number) => `${(bytes / SOCKETS / 1024).toFixed(2)} KiB`;
  console.log(`\n${name}, ${SOCKETS} idle sockets:`);
  console.log(`  RSS growth, no forced GC: ${per((rssOpen - rssIdle) * 1024)} per socket`);
  console.log(`  RSS growth, both sides after a full GC: ${per((after.rssKiB - before.rssKiB) * 1024)} per socket`);
  console.log(
    `  where the RSS grew (after GC): brk heap (glibc malloc) ${per((mapsAfter.heap - mapsBefore.heap) * 1024)}, ` +
      `anonymous maps (JS heap, mimalloc, thread arenas) ${per((mapsAfter.anonymous - mapsBefore.anonymous) * 1024)}, ` +
      `file maps ${per((mapsAfter.files - mapsBefore.files) * 1024)} per socket`,
  );
  console.log(`  JS heap growth after GC: ${per(after.heapSize - before.heapSize)} per socket (${((after.objectCount - before.objectCount) / SOCKETS).toFixed(1)} objects per socket)`);
  console.log(`  JS heap capacity growth after GC (kept by the collector): ${per(after.heapCapacity - before.heapCapacity)} per socket`);
  console.log(`  extra (native buffers owned by JS objects): ${per(after.extraMemorySize - before.extraMemorySize)} per socket`);
  const grown = Object.entries(after.objectTypeCounts)
    .map(([type, count]) => [type, (count - (before.objectTypeCounts[type] ?? 0)) / SOCKETS] as const)
    .filter(([, perSocket]) => perSocket >= 0.5)
    .sort((a, b) => b[1] - a[1]);
  console.log(`  live objects per socket by type: ${grown.map(([type, n]) => `${type} ${n.toFixed(1)}`).join(", ")}`);
}

await breakdown("bare Bun", "bench/peers/bare-bun.ts", { HEAP_SIGNAL: "1" });
await breakdown(
  "Latch",
  "bench/lib/latch-instrumented.ts",
  { LATCH_DATA_DIR: latch.dataDir, LATCH_TLS_CERT: cert.certPath, LATCH_TLS_KEY: cert.keyPath, ...LATCH_LOAD_ENV },
  latch.cookies,
);
rmSync(cert.dir, { recursive: true, force: true });
process.exit(0);
