// A real `bun src/main.ts`: SIGTERM closes sockets with 1001 and exits 0; the JSON logs have one
// line per request and per socket open/close, and never a secret.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { request, sessionCookieFrom } from "./helpers/http.ts";
import { spawnLatch, type LatchProcess } from "./helpers/process.ts";
import { makeTempDir } from "./helpers/server.ts";
import { handshakeStatus, openSocket, type TestSocket } from "./helpers/ws.ts";

const USERNAME = "shutdown-user";
const PASSWORD = "velvet otter carries lanterns";
const WRONG_PASSWORD = "velvet otter carries lanterns?";

let root: string;
let latch: LatchProcess;
let cookie: string;
let loginCookie: string;
let origin: string;
let exitCode: number | null;
let exitMs: number;
let refusedHandshake: number;
const closes: { name: string; code: number; reason: string }[] = [];
// What the client did, in order, to compare with the request log lines.
const sent: { method: string; path: string; status: number }[] = [];

async function send(method: string, path: string, options: Parameters<typeof request>[3] = {}): Promise<Response> {
  const response = await request(origin, method, path, options);
  sent.push({ method, path, status: response.status });
  return response;
}

beforeAll(async () => {
  root = makeTempDir("latch-shutdown-");
  latch = spawnLatch({ env: { LATCH_DATA_DIR: join(root, "data"), TMPDIR: root } });
  origin = await latch.listening();

  const registered = await send("POST", "/auth/register", { json: { username: USERNAME, password: PASSWORD } });
  cookie = sessionCookieFrom(registered)!;
  await send("GET", "/auth/me", { cookie });
  await send("POST", "/auth/login", { json: { username: USERNAME, password: WRONG_PASSWORD } });
  loginCookie = sessionCookieFrom(await send("POST", "/auth/login", { json: { username: USERNAME, password: PASSWORD } }))!;
  await send("GET", "/healthz");
  await send("GET", "/no-such-page");

  const wsUrl = `${origin.replace("https:", "wss:")}/ws`;
  refusedHandshake = await handshakeStatus(wsUrl, { origin: "https://evil.example" });
  const closedEarly = await openSocket(wsUrl);
  closedEarly.ws.close(1000, "bye");
  closes.push({ name: "closed by client", ...(await closedEarly.closed) });
  const sockets: [string, TestSocket][] = [
    ["anonymous", await openSocket(wsUrl)],
    ["signed in", await openSocket(wsUrl, { cookie: loginCookie })],
  ];

  const started = performance.now();
  const stopped = latch.stop("SIGTERM", 5000);
  const closed = Promise.all(sockets.map(async ([name, socket]) => closes.push({ name, ...(await socket.closed) })));
  exitCode = await stopped;
  exitMs = performance.now() - started;
  await closed;
}, 20_000);

afterAll(async () => {
  if (latch) await latch.stop("SIGKILL", 2000).catch(() => {});
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("SIGTERM", () => {
  test("open sockets are closed with 1001 (going away)", () => {
    expect(closes).toContainEqual({ name: "anonymous", code: 1001, reason: expect.any(String) });
    expect(closes).toContainEqual({ name: "signed in", code: 1001, reason: expect.any(String) });
  });

  test("SIGTERM straight after the 'listening' line still shuts down cleanly (5 tries)", async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const quick = spawnLatch({ env: { LATCH_DATA_DIR: join(root, `quick-${attempt}`), TMPDIR: root } });
      await quick.listening();
      const code = await quick.stop("SIGTERM", 5000);
      expect({ attempt, code, events: quick.logs().map((log) => log.event).slice(-2) }).toEqual({
        attempt,
        code: 0,
        events: ["shutdown", "stopped"],
      });
    }
  });

  test("the process exits 0 within 5 s and logs 'stopped' last", () => {
    expect(exitCode).toBe(0);
    expect(exitMs).toBeLessThan(5000);
    const events = latch.logs().map((log) => log.event);
    expect(events).toContain("shutdown");
    expect(events.at(-1)).toBe("stopped");
    expect(latch.stderr()).toBe("");
  });
});

describe("logs", () => {
  test("every stdout line is one JSON object with a level, a time and an event", () => {
    expect(latch.lines.length).toBeGreaterThan(0);
    for (const line of latch.lines) {
      const log = JSON.parse(line);
      expect(typeof log).toBe("object");
      expect(typeof log.level).toBe("number");
      expect(typeof log.time).toBe("number");
      expect(typeof log.event).toBe("string");
    }
  });

  test("one line per HTTP request, with method, path, status and ip", () => {
    // The refused socket handshake is checked on its own below.
    const lines = latch.logs().filter((log) => log.event === "http" && log.path !== "/ws");
    expect(lines.map(({ method, path, status }) => ({ method, path, status }))).toEqual(sent);
    for (const line of lines) expect(line.ip).toBe("127.0.0.1");
  });

  test("a refused socket handshake (foreign Origin, 403) is logged too", () => {
    expect(refusedHandshake).toBe(403);
    const lines = latch.logs().filter((log) => log.path === "/ws" && log.status === 403);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.ip).toBe("127.0.0.1");
  });

  test("one info line per socket, when it closes: the close code, user, ip and how long it lived", () => {
    const logs = latch.logs();
    // The open line is debug level (this server logs at info).
    expect(logs.filter((log) => log.event === "ws_open")).toHaveLength(0);
    const closes = logs.filter((log) => log.event === "ws_close");
    expect(closes.map((log) => log.code).sort()).toEqual([1000, 1001, 1001]);
    for (const line of closes) {
      expect(line.ip).toBe("127.0.0.1");
      expect(line).toHaveProperty("user");
      expect(typeof line.ms === "number" && line.ms >= 0).toBe(true);
    }
  });

  test("[LOG-1] no line holds the session cookie, its secret, or a password", () => {
    const everything = latch.lines.join("\n") + latch.stderr();
    for (const pair of [cookie, loginCookie]) {
      const token = pair.split("=")[1]!;
      const secret = token.split(".")[1]!;
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(WRONG_PASSWORD.slice(0, 20));
  });
});
