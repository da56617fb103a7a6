// Live sockets stay honest: logout, logout-all, revocation, password change (SES-5, SES-6).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { registerOverHttp, request, sessionCookieFrom } from "../helpers/http.ts";
import { countRows, startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket, type TestSocket } from "../helpers/ws.ts";

let server: TestServer;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function login(username: string): Promise<string> {
  const response = await request(server.origin, "POST", "/auth/login", { json: { username, password: PASSWORD } });
  return sessionCookieFrom(response)!;
}

async function socketWith(cookie: string): Promise<TestSocket> {
  const socket = await openSocket(server.wsUrl, { cookie });
  expect((await socket.next()).user).not.toBeNull();
  return socket;
}

async function stillOpen(socket: TestSocket): Promise<boolean> {
  const reply = await socket.call({ type: "ping", id: Math.floor(Math.random() * 1e9) }, 2000).catch(() => null);
  return reply?.ok === true && reply.user !== null;
}

describe("[SES-5] logout", () => {
  test("closes that session's sockets with 4001 logout, after a session.ended message, and no others", async () => {
    const tabA = await registerOverHttp(server.origin, "logout-user");
    const tabB = await login("logout-user");
    const a1 = await socketWith(tabA);
    const a2 = await socketWith(tabA);
    const b = await socketWith(tabB);
    expect((await request(server.origin, "POST", "/auth/logout", { cookie: tabA })).status).toBe(204);
    for (const socket of [a1, a2]) {
      expect(await socket.closed).toEqual({ code: 4001, reason: "logout" });
      expect(socket.received.at(-1)).toEqual({ type: "session.ended", reason: "logout" });
    }
    expect(await stillOpen(b)).toBe(true);
    // A socket opened with the dead cookie is anonymous.
    const late = await openSocket(server.wsUrl, { cookie: tabA });
    expect((await late.next()).user).toBeNull();
    late.ws.close();
    b.ws.close();
  });
});

describe("[SES-6] session management", () => {
  test("logout-all closes every socket of the user on every device, this one included", async () => {
    const laptop = await registerOverHttp(server.origin, "everywhere-user");
    const phone = await login("everywhere-user");
    const bystander = await socketWith(await registerOverHttp(server.origin, "bystander-1"));
    const sockets = [await socketWith(laptop), await socketWith(phone), await socketWith(phone)];
    expect((await request(server.origin, "POST", "/auth/logout-all", { cookie: laptop })).status).toBe(204);
    for (const socket of sockets) expect((await socket.closed).code).toBe(4001);
    expect(await countRows(server.db, "sessions", "user_id = (SELECT id FROM users WHERE username = 'everywhere-user')")).toBe(0);
    expect(await stillOpen(bystander)).toBe(true);
    bystander.ws.close();
  });

  test("the list shows public ids, the current flag, device and ip; deleting one closes exactly its sockets", async () => {
    const laptop = await registerOverHttp(server.origin, "list-user");
    const phone = await login("list-user");
    const laptopSocket = await socketWith(laptop);
    const phoneSocket = await socketWith(phone);
    const list = await (await request(server.origin, "GET", "/auth/sessions", { cookie: laptop })).json();
    expect(list.sessions).toHaveLength(2);
    const current = list.sessions.find((s: any) => s.current);
    const other = list.sessions.find((s: any) => !s.current);
    expect(current.ip).toBe("127.0.0.1");
    expect(typeof other.lastSeenAt).toBe("number");
    // [WS-5] the public id is not the session id from the cookie.
    for (const cookie of [laptop, phone]) {
      const cookieId = cookie.split("=")[1]!.split(".")[0]!;
      expect(JSON.stringify(list)).not.toContain(cookieId);
    }
    const revoked = await request(server.origin, "DELETE", `/auth/sessions/${other.id}`, { cookie: laptop });
    expect(revoked.status).toBe(204);
    expect(await phoneSocket.closed).toEqual({ code: 4001, reason: "revoked" });
    expect(phoneSocket.received.at(-1)).toEqual({ type: "session.ended", reason: "revoked" });
    expect(await stillOpen(laptopSocket)).toBe(true);
    expect((await request(server.origin, "GET", "/auth/me", { cookie: phone })).status).toBe(401);
    laptopSocket.ws.close();
  });

  test("a user cannot list or delete another user's sessions: 404, nothing changed", async () => {
    const alice = await registerOverHttp(server.origin, "alice-sessions");
    const mallory = await registerOverHttp(server.origin, "mallory-sessions");
    const aliceSocket = await socketWith(alice);
    const aliceList = await (await request(server.origin, "GET", "/auth/sessions", { cookie: alice })).json();
    const malloryList = await (await request(server.origin, "GET", "/auth/sessions", { cookie: mallory })).json();
    expect(malloryList.sessions).toHaveLength(1);
    expect(JSON.stringify(malloryList)).not.toContain(aliceList.sessions[0].id);
    const before = await countRows(server.db, "sessions");
    const attempt = await request(server.origin, "DELETE", `/auth/sessions/${aliceList.sessions[0].id}`, { cookie: mallory });
    expect(attempt.status).toBe(404);
    expect(await attempt.json()).toEqual({ error: { code: "not_found", message: "No such session." } });
    expect(await countRows(server.db, "sessions")).toBe(before);
    expect(await stillOpen(aliceSocket)).toBe(true);
    expect((await request(server.origin, "GET", "/auth/sessions")).status).toBe(401);
    aliceSocket.ws.close();
  });

  test("[SES-3] a password change needs the current password, ends all other sessions and rotates this one", async () => {
    const laptop = await registerOverHttp(server.origin, "password-user");
    const phone = await login("password-user");
    const laptopSocket = await socketWith(laptop);
    const phoneSocket = await socketWith(phone);
    const newPassword = "a brand new passphrase";

    const wrong = await request(server.origin, "POST", "/auth/password", { cookie: laptop, json: { currentPassword: "nope nope nope", newPassword } });
    expect(wrong.status).toBe(403);
    expect(await stillOpen(phoneSocket)).toBe(true);

    const changed = await request(server.origin, "POST", "/auth/password", { cookie: laptop, json: { currentPassword: PASSWORD, newPassword } });
    expect(changed.status).toBe(204);
    const rotated = sessionCookieFrom(changed)!;
    expect(rotated).not.toBe(laptop);
    expect(await phoneSocket.closed).toEqual({ code: 4001, reason: "revoked" });
    // This device's socket follows the rotated session instead of closing.
    expect(await stillOpen(laptopSocket)).toBe(true);
    expect((await request(server.origin, "GET", "/auth/me", { cookie: laptop })).status).toBe(401);
    expect((await request(server.origin, "GET", "/auth/me", { cookie: phone })).status).toBe(401);
    expect((await request(server.origin, "GET", "/auth/me", { cookie: rotated })).status).toBe(200);
    const relogin = await request(server.origin, "POST", "/auth/login", { json: { username: "password-user", password: newPassword } });
    expect(relogin.status).toBe(200);
    // Logging out the rotated session closes the socket that followed it.
    await request(server.origin, "POST", "/auth/logout", { cookie: rotated });
    expect((await laptopSocket.closed).code).toBe(4001);
  });
});

describe("nothing leaks", () => {
  test("after 1,000 sockets open and close, the registry and the session tracker are empty", async () => {
    const cookie = await registerOverHttp(server.origin, "leak-check-user");
    for (let round = 0; round < 10; round++) {
      const sockets = await Promise.all(
        Array.from({ length: 100 }, (_, i) => openSocket(server.wsUrl, i % 10 === 0 ? { cookie } : {})),
      );
      for (const socket of sockets) socket.ws.close();
      await Promise.all(sockets.map((socket) => socket.closed));
    }
    const deadline = Date.now() + 3000;
    while (server.running.registry.size().sockets > 0 && Date.now() < deadline) await Bun.sleep(20);
    expect(server.running.registry.size()).toEqual({ sockets: 0, sessions: 0, users: 0 });
    expect(server.running.live.size().sessions).toBe(0);
    expect(server.running.live.size().expiries).toBe(0);
  });
});
