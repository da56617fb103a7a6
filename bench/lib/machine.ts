// What the results were measured on: CPU, cores, memory, and the versions of every runtime and library.
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

const BENCH = join(import.meta.dir, "..");

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(BENCH, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

/** One line each for the machine and the versions. */
export function describeMachine(): { machine: string; versions: string } {
  const model = cpus()[0]?.model.trim() ?? "unknown CPU";
  const node = Bun.spawnSync(["node", "--version"]).stdout.toString().trim();
  const kernel = readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  const openssl = Bun.spawnSync(["openssl", "version"]).stdout.toString().trim();
  return {
    machine: `${model}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Linux ${kernel}`,
    versions:
      `Bun ${Bun.version}, Node ${node}, ws ${packageVersion("ws")}, express ${packageVersion("express")}, ` +
      `express-session ${packageVersion("express-session")}, socket.io ${packageVersion("socket.io")}, ${openssl} (certificate)`,
  };
}

/** Which Latch was measured: the commit, "+ local changes" when src/ differs from it. */
export function describeSource(root: string): string {
  const git = (...args: string[]) => Bun.spawnSync(["git", "-C", root, ...args]);
  const head = git("rev-parse", "--short", "HEAD");
  if (head.exitCode !== 0) {
    // An exported copy (bench/README.md) carries the commit it was made from in SNAPSHOT.
    const snapshot = Bun.file(join(root, "SNAPSHOT"));
    return snapshot.size > 0 ? `${readFileSync(join(root, "SNAPSHOT"), "utf8").trim()} (exported copy)` : "unknown commit";
  }
  const dirty = git("status", "--porcelain", "src").stdout.toString().trim() !== "";
  return `${head.stdout.toString().trim()}${dirty ? " + local changes in src/" : ""}`;
}
