// [SES-4] idle timeout and absolute lifetime are enforced on open sockets by timers.
import { afterEach, describe, expect, test } from "bun:test";
import { registerOverHttp, request } from "../helpers/http.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket } from "../helpers/ws.ts";

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

describe("[SES-4] expiry on open sockets", () => {
  test("a socket whose session reaches its absolute lifetime is closed with 4002 within one second", async () => {
    server = await startTestServer({ LATCH_SESSION_IDLE_SECONDS: "2", LATCH_SESSION_ABSOLUTE_SECONDS: "2" });
    const cookie = await registerOverHttp(server.origin, "absolute-user");
    const signedInAt = Date.now();
    const socket = await openSocket(server.wsUrl, { cookie });
    expect((await socket.next()).user).not.toBeNull();
    // Activity does not extend the absolute lifetime.
    const pinger = setInterval(() => socket.send({ type: "ping", id: 1 }), 300);
    const closed = await socket.closed;
    clearInterval(pinger);
    const closedAfter = Date.now() - signedInAt;
    expect(closed).toEqual({ code: 4002, reason: "expired" });
    expect(socket.received.at(-1)).toEqual({ type: "session.ended", reason: "expired" });
    expect(closedAfter).toBeGreaterThanOrEqual(1900);
    expect(closedAfter).toBeLessThan(3000);
    expect((await request(server.origin, "GET", "/auth/me", { cookie })).status).toBe(401);
  });

  test("socket activity keeps a session alive past its idle timeout; silence ends it within one second", async () => {
    server = await startTestServer({ LATCH_SESSION_IDLE_SECONDS: "2", LATCH_SESSION_ABSOLUTE_SECONDS: "60" });
    const cookie = await registerOverHttp(server.origin, "idle-user");
    const socket = await openSocket(server.wsUrl, { cookie });
    await socket.next();
    for (let i = 0; i < 8; i++) {
      await Bun.sleep(400);
      expect((await socket.call({ type: "ping", id: i })).ok).toBe(true);
    }
    // 3.2 s after sign-in, past the 2 s idle limit, the session is alive thanks to the socket.
    expect((await request(server.origin, "GET", "/auth/me", { cookie })).status).toBe(200);
    const lastActivity = Date.now();
    const closed = await socket.closed;
    const silentFor = Date.now() - lastActivity;
    expect(closed.code).toBe(4002);
    expect(silentFor).toBeGreaterThanOrEqual(1900);
    expect(silentFor).toBeLessThan(3000);
  });
});
