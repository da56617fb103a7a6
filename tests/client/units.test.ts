// The client's small parts in isolation: PKCE, back-off, URLs, the bundle, and the connection driven by a fake socket.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backoffDelay } from "../../src/client/backoff.ts";
import { buildClientBundle } from "../../src/client/build-client.ts";
import { connectLatch, LatchError, type Latch, type LatchEvents } from "../../src/client/index.ts";
import { createPkcePair } from "../../src/client/pkce.ts";
import { httpBaseFor } from "../../src/client/transport.ts";
import { computePkceChallenge } from "../../src/lib/tokens.ts";

describe("createPkcePair", () => {
  test("a 43-character verifier whose S256 challenge is what the server computes", async () => {
    const { verifier, challenge } = await createPkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(await computePkceChallenge(verifier));
    expect((await createPkcePair()).verifier).not.toBe(verifier);
  });
});

describe("backoffDelay", () => {
  test("doubles from the base up to the cap, with full jitter", () => {
    const options = { baseMs: 250, capMs: 10_000 };
    const top = (attempt: number) => backoffDelay(attempt, options, () => 0.999999);
    expect([0, 1, 2, 3, 5, 6, 50].map(top)).toEqual([249, 499, 999, 1999, 7999, 9999, 9999]);
    expect(backoffDelay(4, options, () => 0)).toBe(0);
  });
});

describe("httpBaseFor", () => {
  test("maps the socket URL to the API base on the same host", () => {
    expect(httpBaseFor("wss://auth.example:8443/ws")).toBe("https://auth.example:8443");
    expect(httpBaseFor("wss://example.com/latch/ws")).toBe("https://example.com/latch");
    expect(httpBaseFor("ws://localhost:3000/ws")).toBe("http://localhost:3000");
    expect(() => httpBaseFor("https://example.com/ws")).toThrow(TypeError);
  });
});

describe("buildClientBundle", () => {
  test("one small browser module with no server code in it, exporting connectLatch and LatchError", async () => {
    const text = await buildClientBundle();
    expect(text.length).toBeLessThan(16 * 1024);
    expect(text).not.toMatch(/zod|drizzle|node:|Bun\.|require\(/);
    const dir = mkdtempSync(join(tmpdir(), "latch-client-"));
    try {
      writeFileSync(join(dir, "latch-client.js"), text);
      const module = await import(join(dir, "latch-client.js"));
      expect(typeof module.connectLatch).toBe("function");
      expect(new module.LatchError("timeout", "x")).toMatchObject({ name: "LatchError", code: "timeout" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A WebSocket stand-in the test plays the server for. */
class FakeSocket {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  readonly sent: Record<string, any>[] = [];
  closedWith: number | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1005) {
    this.closedWith = code;
  }
  /** The server sends `message`. */
  push(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  /** The server closes with `code`. */
  drop(code: number) {
    this.onclose?.({ code, reason: "" });
  }
}

const USER = { id: "u1", username: "fake-user", createdAt: 1 };
const clients: Latch[] = [];
afterEach(() => {
  for (const latch of clients.splice(0)) latch.close();
});

function fakeClient(requestTimeoutMs = 1_000) {
  const sockets: FakeSocket[] = [];
  const latch = connectLatch({
    url: "wss://fake.test/ws",
    requestTimeoutMs,
    backoff: { baseMs: 1, capMs: 5 },
    transport: {
      createSocket: () => {
        sockets.push(new FakeSocket());
        return sockets.at(-1) as unknown as WebSocket;
      },
      fetch: () => Promise.reject(new Error("no network in this test")),
    },
  });
  clients.push(latch);
  const socket = () => sockets.at(-1)!;
  return { latch, sockets, socket };
}

function collect<K extends keyof LatchEvents>(latch: Latch, event: K): LatchEvents[K][] {
  const seen: LatchEvents[K][] = [];
  latch.on(event, (payload) => seen.push(payload));
  return seen;
}

async function until(predicate: () => boolean, timeoutMs = 1_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(2);
  }
}

describe("the connection, against a fake server", () => {
  test("a request with no answer rejects with timeout", async () => {
    const { latch, socket } = fakeClient();
    socket().push({ type: "welcome", protocol: 1, user: null });
    const error = await latch.request({ type: "ping" }, { timeoutMs: 30 }).catch((e) => e);
    expect(error).toBeInstanceOf(LatchError);
    expect(error.code).toBe("timeout");
    // A late answer to a timed-out request is ignored.
    socket().push({ type: "result", id: socket().sent[0]!.id, ok: true });
  });

  test("a request made while no server ever answers the handshake times out", async () => {
    const { latch } = fakeClient(40);
    expect((await latch.request({ type: "ping" }).catch((e) => e)).code).toBe("timeout");
  });

  test("no welcome in time counts as a drop: the socket is abandoned and replaced", async () => {
    const { latch, sockets } = fakeClient(30);
    await until(() => sockets.length >= 2);
    expect(sockets[0]!.closedWith).not.toBeNull();
    sockets[1]!.push({ type: "welcome", protocol: 1, user: null });
    expect(latch.state).toBe("anonymous");
  });

  test("session.ended expired then 4002: session-ended with the reason, user cleared, reconnect", async () => {
    const { latch, sockets, socket } = fakeClient();
    const ended = collect(latch, "session-ended");
    socket().push({ type: "welcome", protocol: 1, user: USER });
    expect(latch.state).toBe("authenticated");
    socket().push({ type: "session.ended", reason: "expired" });
    socket().drop(4002);
    expect(ended).toEqual([{ reason: "expired" }]);
    expect(latch.user).toBeNull();
    expect(latch.state).toBe("reconnecting");
    await until(() => sockets.length === 2);
    socket().push({ type: "welcome", protocol: 1, user: null });
    expect(latch.state).toBe("anonymous");
    expect(ended.length).toBe(1);
  });

  test("a 4001 close without the push still ends the session as logout", () => {
    const { latch, socket } = fakeClient();
    const ended = collect(latch, "session-ended");
    socket().push({ type: "welcome", protocol: 1, user: USER });
    socket().drop(4001);
    expect(ended).toEqual([{ reason: "logout" }]);
  });

  test("a network drop keeps the user; a reconnect that finds no session reports it as unknown", async () => {
    const { latch, sockets, socket } = fakeClient();
    const ended = collect(latch, "session-ended");
    socket().push({ type: "welcome", protocol: 1, user: USER });
    socket().drop(1006);
    expect(latch.user).toEqual(USER);
    await until(() => sockets.length === 2);
    socket().push({ type: "welcome", protocol: 1, user: null });
    expect(ended).toEqual([{ reason: "unknown" }]);
    expect(latch.user).toBeNull();
  });

  test("application pushes reach 'message' listeners; unsubscribing stops them", () => {
    const { latch, socket } = fakeClient();
    const seen = collect(latch, "message");
    socket().push({ type: "welcome", protocol: 1, user: USER });
    socket().push({ type: "chat.message", text: "hi" });
    const off = latch.on("message", () => {
      throw new Error("should not run");
    });
    off();
    socket().push({ type: "chat.message", text: "again" });
    expect(seen).toEqual([
      { type: "chat.message", text: "hi" },
      { type: "chat.message", text: "again" },
    ]);
  });

  test("a failed result rejects with the server's code and message", async () => {
    const { latch, socket } = fakeClient();
    socket().push({ type: "welcome", protocol: 1, user: USER });
    const reply = latch.request({ type: "chat.send" });
    await until(() => socket().sent.length === 1);
    socket().push({ type: "result", id: socket().sent[0]!.id, ok: false, error: { code: "busy", message: "later" } });
    expect(await reply.catch((e) => e)).toMatchObject({ code: "busy", message: "later" });
  });

  test("the ticket redemption failing over the network rejects with network_error", async () => {
    const { latch, socket } = fakeClient();
    socket().push({ type: "welcome", protocol: 1, user: null });
    const login = latch.login("fake-user", "whatever password");
    await until(() => socket().sent.length === 1);
    const sent = socket().sent[0]!;
    expect(sent).toMatchObject({ type: "login", username: "fake-user", password: "whatever password" });
    expect(sent.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    socket().push({ type: "result", id: sent.id, ok: true, ticket: "t".repeat(43) });
    expect((await login.catch((e) => e)).code).toBe("network_error");
  });
});
