// Latch as a real child process (`bun src/main.ts` or the compiled binary): its JSON log lines,
// its stderr, and bounded waits for "listening" and for exit.
import type { Subprocess } from "bun";
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dir, "../..");
/** What withTimeout resolves to when time ran out. */
export const TIMED_OUT = Symbol("timed out");

export interface SpawnOptions {
  /** Variables on top of PATH and HOME; nothing else leaks in from the test's environment. */
  env?: Record<string, string>;
  /** Defaults to `bun src/main.ts`. */
  command?: string[];
  /** Defaults to the repository root. */
  cwd?: string;
}

export interface LatchProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Every stdout line so far, as written. */
  lines: string[];
  /** The stdout lines that are JSON objects, parsed. */
  logs(): Record<string, any>[];
  stderr(): string;
  /** The first log line matching `predicate`, waiting up to `timeoutMs`. */
  waitForLog(predicate: (log: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  /** Waits for the "listening" line; resolves to the server's https origin. */
  listening(timeoutMs?: number): Promise<string>;
  /** The exit code, once the process has ended (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Sends `signal` and waits up to `timeoutMs` for exit; SIGKILLs and throws when it does not. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Starts Latch with `env` (PORT=0 and HOST=127.0.0.1 unless given). */
export function spawnLatch(options: SpawnOptions = {}): LatchProcess {
  const proc = Bun.spawn(options.command ?? [process.execPath, "src/main.ts"], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", PORT: "0", HOST: "127.0.0.1", ...options.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  let stderrText = "";
  let wake: (() => void)[] = [];
  const notify = () => {
    const waiting = wake;
    wake = [];
    for (const fn of waiting) fn();
  };
  const stdoutDone = readLines(proc.stdout, (line) => {
    lines.push(line);
    notify();
  });
  const stderrDone = (async () => {
    stderrText = await new Response(proc.stderr).text();
  })();
  // The exit code is reported only once both pipes are drained, so no log line is missed.
  const exited = proc.exited.then(async (code) => {
    await Promise.all([stdoutDone, stderrDone]);
    notify();
    return proc.signalCode ? null : code;
  });
  let ended = false;
  void exited.then(() => (ended = true));

  const logs = () => lines.flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return value !== null && typeof value === "object" ? [value as Record<string, any>] : [];
    } catch {
      return [];
    }
  });

  async function waitForLog(predicate: (log: Record<string, any>) => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs().find(predicate);
      if (found) return found;
      if (ended) throw new Error(`latch exited before the expected log line; stderr: ${stderrText.trim()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching log line within ${timeoutMs} ms; stdout: ${lines.join("\n")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  return {
    proc,
    lines,
    logs,
    stderr: () => stderrText,
    waitForLog,
    async listening(timeoutMs = 10_000) {
      const line = await waitForLog((log) => log.event === "listening", timeoutMs);
      return new URL(line.url).origin;
    },
    exited,
    async stop(signal = "SIGTERM", timeoutMs = 5000) {
      if (!ended) proc.kill(signal);
      const code = await withTimeout(exited, timeoutMs);
      if (code === TIMED_OUT) {
        proc.kill("SIGKILL");
        await exited;
        throw new Error(`latch did not exit within ${timeoutMs} ms of ${signal}`);
      }
      return code;
    },
  };
}

export interface FinishedRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs Latch expecting it to end by itself (a bad config); killed after `timeoutMs`. */
export async function runLatchToExit(options: SpawnOptions = {}, timeoutMs = 10_000): Promise<FinishedRun> {
  const latch = spawnLatch(options);
  const code = await withTimeout(latch.exited, timeoutMs);
  if (code === TIMED_OUT) {
    latch.proc.kill("SIGKILL");
    await latch.exited;
    throw new Error(`latch kept running for ${timeoutMs} ms; stdout: ${latch.lines.join("\n")}`);
  }
  return { code, stdout: latch.lines.join("\n"), stderr: latch.stderr() };
}

/** A TCP port that was free a moment ago on 127.0.0.1 (bound on port 0, then released). */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

/** `promise`, or TIMED_OUT after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: Timer | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  }
  pending += decoder.decode();
  if (pending) onLine(pending);
}
