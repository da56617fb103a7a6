// Measurement 5: runs bench/revocation.ts (which writes its own "Revocation" section) and reads
// the two logout-to-close medians back from its table.
import { join } from "node:path";
import type { Revocation } from "./render.ts";
import { REPO_ROOT } from "./servers.ts";

/** Runs the revocation benchmark; null (with its output logged) when it fails. */
export async function runRevocation(quick: boolean, log: (line: string) => void): Promise<Revocation | null> {
  const proc = Bun.spawn([process.execPath, join(REPO_ROOT, "bench/revocation.ts"), ...(quick ? ["--quick"] : [])], {
    cwd: REPO_ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 300_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const medianOf = (label: string) => {
    const line = stdout.split("\n").find((row) => row.includes(label));
    return line ? Number(line.split("|")[2]?.trim().split(" ")[0]) : NaN;
  };
  if (code !== 0) {
    log(`revocation benchmark failed (${code}): ${stderr.slice(-1000)}`);
    return null;
  }
  log(stdout.trim());
  return { inProcessMs: medianOf("same process"), crossProcessMs: medianOf("Logout on A") };
}
