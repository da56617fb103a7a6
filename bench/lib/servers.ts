// Starting each server under test as its own process, pinned to the server core, with its
// stdout in a file (read only to find the "listening" line), and stopping it.
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CertFiles } from "./cert.ts";
import type { Target, WireName } from "./client-socket.ts";
import { freePort } from "../../tests/helpers/process.ts";

export const REPO_ROOT = join(import.meta.dir, "../..");
export const SERVER_CORE = "1";
export const CLIENT_CORE = "0";

export type ServerKind = "bare-bun" | "bun-sqlite" | "ws-express" | "socketio-express" | "latch";

export const SERVER_NAMES: Record<ServerKind, string> = {
  "bare-bun": "bare Bun (no auth)",
  "bun-sqlite": "Bun + bun:sqlite lookup",
  "ws-express": "ws + express-session",
  "socketio-express": "Socket.IO + express-session",
  latch: "Latch",
};

export interface ServerSpec {
  kind: ServerKind;
  tls: boolean;
}

/** What the run knows about its folders: the certificate and Latch's seeded data. */
export interface RunFiles {
  dir: string;
  cert: CertFiles;
  latchDataDir: string;
  latchCookies: string;
}

export interface RunningServer {
  spec: ServerSpec;
  pid: number;
  target: Target;
  logPath: string;
  stop(): Promise<void>;
}

// Latch's socket rate limit (20/s, burst 40) would refuse a load test's pings; every other rule
// keeps its default (sockets per user, throttles, Origin allow-list, session checks).
export const LATCH_LOAD_ENV = { LATCH_WS_MESSAGES_PER_SECOND: "100000", LATCH_WS_BURST_MESSAGES: "1000000" };

function commandFor(kind: ServerKind): string[] {
  const node = Bun.which("node") ?? "node";
  switch (kind) {
    case "bare-bun":
      return [process.execPath, "bench/peers/bare-bun.ts"];
    case "bun-sqlite":
      return [process.execPath, "bench/peers/bun-sqlite.ts"];
    case "ws-express":
      return [node, "bench/peers/ws-express.mjs"];
    case "socketio-express":
      return [node, "bench/peers/socketio-express.mjs"];
    case "latch":
      return [process.execPath, "src/main.ts"];
  }
}

let started = 0;

/** Starts `spec` on a free port, pinned to the server core; resolves once it listens. */
export async function startServer(
  spec: ServerSpec,
  files: RunFiles,
  extraEnv: Record<string, string> = {},
  runtimeFlags: string[] = [],
): Promise<RunningServer> {
  if (spec.kind === "latch" && !spec.tls) throw new Error("Latch serves TLS only");
  const id = `${spec.kind}-${spec.tls ? "wss" : "ws"}-${++started}`;
  const logPath = join(files.dir, `${id}.log`);
  const cookiesFile = spec.kind === "latch" ? files.latchCookies : join(files.dir, `${id}.cookies`);
  const tlsEnv: Record<string, string> = spec.tls ? { TLS_CERT: files.cert.certPath, TLS_KEY: files.cert.keyPath } : {};
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    PORT: String(freePort()),
    HOST: "127.0.0.1",
    ...tlsEnv,
    COOKIES_FILE: cookiesFile,
    DATA_DIR: files.dir,
    SESSIONS: "10000",
    ...(spec.kind === "latch"
      ? { LATCH_DATA_DIR: files.latchDataDir, LATCH_TLS_CERT: files.cert.certPath, LATCH_TLS_KEY: files.cert.keyPath, ...LATCH_LOAD_ENV }
      : {}),
    ...extraEnv,
  };
  const out = openSync(logPath, "w");
  const [runtime, ...script] = commandFor(spec.kind);
  const proc = Bun.spawn(["taskset", "-c", SERVER_CORE, runtime!, ...runtimeFlags, ...script], {
    cwd: REPO_ROOT,
    env,
    stdin: "ignore",
    stdout: out,
    stderr: out,
  });
  closeSync(out);
  const origin = await waitForListening(logPath, Number(env.PORT), spec.tls, proc.exited, 20_000);
  const wire: WireName = spec.kind === "socketio-express" ? "socketio" : "json";
  return {
    spec,
    pid: proc.pid,
    logPath,
    target: {
      base: origin.replace(/^http/, "ws"),
      origin,
      wire,
      expectUser: spec.kind !== "bare-bun",
      serverPid: proc.pid,
      cookiesFile: spec.kind === "bare-bun" ? undefined : cookiesFile,
    },
    async stop() {
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(6000).then(() => false)]);
      if (!exited) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    },
  };
}

// Polls the log file for {"event":"listening","url":...} (Latch's own log line has the same fields),
// or, when the server logs nothing at that level, for the port to accept connections.
async function waitForListening(logPath: string, port: number, tls: boolean, exited: Promise<number>, timeoutMs: number): Promise<string> {
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  const origin = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  while (Date.now() < deadline) {
    const text = readFileSync(logPath, "utf8");
    const match = /"event":"listening".*?"url":"([^"]+)"/.exec(text);
    if (match) return new URL(match[1]!).origin;
    if (ended) throw new Error(`server exited before listening:\n${text}`);
    if (await accepts(port)) return (await Bun.sleep(200), origin);
    await Bun.sleep(50);
  }
  throw new Error(`server did not listen within ${timeoutMs} ms:\n${readFileSync(logPath, "utf8")}`);
}

async function accepts(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}
