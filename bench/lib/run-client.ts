// Runs the load client as its own process pinned to the client core, with a bounded wait.
import { join } from "node:path";
import type { LoadConfig } from "./load-client.ts";
import { CLIENT_CORE, REPO_ROOT } from "./servers.ts";

export type ClientResult = Record<string, number | string | boolean> & {
  opsPerSecond: number;
  serverUsPerOp: number;
  clientUsPerOp: number;
  errors: number;
  lastError: string;
};

/** Runs one load; kills the client after `timeoutMs`. */
export async function runClient(config: LoadConfig, timeoutMs: number): Promise<ClientResult> {
  const proc = Bun.spawn(["taskset", "-c", CLIENT_CORE, process.execPath, join(import.meta.dir, "load-client.ts"), JSON.stringify(config)], {
    cwd: REPO_ROOT,
    // The servers present the run's self-signed certificate.
    env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: "0" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const last = stdout.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`load client failed (${code}): ${stderr.slice(-2000)}${stdout.slice(-500)}`);
  return JSON.parse(last) as ClientResult;
}
