// The socket handshake: Origin allow-list before upgrade, cookie pre-authentication.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { registerOverHttp } from "../helpers/http.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { handshakeStatus, openSocket } from "../helpers/ws.ts";

let server: TestServer;
let cookie: string;

beforeAll(async () => {
  server = await startTestServer();
  cookie = await registerOverHttp(server.origin, "handshake-user");
});
afterAll(() => server.stop());

describe("[WS-1] Origin is checked before the upgrade", () => {
  test("a foreign Origin gets 403 and no socket, even with a valid cookie", async () => {
    expect(await handshakeStatus(server.wsUrl, { origin: "https://evil.example", cookie })).toBe(403);
    await expect(openSocket(server.wsUrl, { origin: "https://evil.example", cookie })).rejects.toThrow("handshake refused");
  });

  test("a missing Origin gets 403", async () => {
    expect(await handshakeStatus(server.wsUrl, { cookie })).toBe(403);
    await expect(openSocket(server.wsUrl, { origin: null, cookie })).rejects.toThrow("handshake refused");
  });

  test("the same host over http:// or on another port is foreign too", async () => {
    const port = Number(new URL(server.origin).port);
    for (const origin of [`http://127.0.0.1:${port}`, `https://127.0.0.1:${port + 1}`, "null"]) {
      expect(await handshakeStatus(server.wsUrl, { origin, cookie })).toBe(403);
    }
  });

  test("the server's own origin is allowed", async () => {
    expect(await handshakeStatus(server.wsUrl, { origin: server.origin })).toBe(101);
  });
});

describe("cookie pre-authentication", () => {
  test("a valid cookie makes the socket authenticated: welcome carries the user, ping answers with it", async () => {
    const socket = await openSocket(server.wsUrl, { cookie });
    const welcome = await socket.next();
    expect(welcome).toMatchObject({ type: "welcome", protocol: 1, user: { username: "handshake-user" } });
    const pong = await socket.call({ type: "ping", id: 7 });
    expect(pong).toMatchObject({ type: "result", id: 7, ok: true, user: { username: "handshake-user" } });
    socket.ws.close();
  });

  test("no cookie (or a dead one) makes the socket anonymous", async () => {
    for (const options of [{}, { cookie: "__Host-latch_session=abc.def" }]) {
      const socket = await openSocket(server.wsUrl, options);
      expect(await socket.next()).toEqual({ type: "welcome", protocol: 1, user: null });
      expect(await socket.call({ type: "ping", id: 1 })).toEqual({ type: "result", id: 1, ok: true, user: null });
      socket.ws.close();
    }
  });
});
