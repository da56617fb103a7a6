// Sign-up and sign-in over the socket: the one-time ticket handshake (TIX-1..3, WS-2, WS-5).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { request } from "../helpers/http.ts";
import { countRows, startTestServer, type TestServer } from "../helpers/server.ts";
import { askForTicket, redeemTicket, signInOnSocket } from "../helpers/sign-in.ts";
import { openSocket } from "../helpers/ws.ts";

let server: TestServer;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function anonymousSocket() {
  const socket = await openSocket(server.wsUrl);
  expect(await socket.next()).toMatchObject({ type: "welcome", user: null });
  return socket;
}

async function ticketEvents(reason?: string): Promise<number> {
  return countRows(server.db, "auth_events", reason ? "type = 'ticket_refused' AND detail LIKE ?" : "type = 'ticket_refused'", reason ? [`%${reason}%`] : []);
}

describe("the whole flow", () => {
  for (const type of ["register", "login"] as const) {
    test(`${type}: ticket -> POST -> cookie -> complete -> authenticated, on the same socket`, async () => {
      const username = `flow-${type}`;
      if (type === "login") {
        const setup = await anonymousSocket();
        await signInOnSocket(setup, server.origin, "register", username);
        setup.ws.close();
      }
      const socket = await anonymousSocket();
      const { reply, verifier, ticket } = await askForTicket(socket, type, username, PASSWORD);
      expect(reply).toMatchObject({ type: "result", ok: true });
      expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const { response, cookie } = await redeemTicket(server.origin, ticket!, verifier);
      expect(response.status).toBe(204);
      expect(cookie).toMatch(/^__Host-latch_session=/);

      const complete = await socket.call({ type: "login.complete", id: 99 });
      expect(complete).toMatchObject({ type: "result", id: 99, ok: true, user: { username } });
      expect(await socket.next()).toMatchObject({ type: "authenticated", user: { username } });
      expect(await socket.call({ type: "ping", id: 100 })).toMatchObject({ ok: true, user: { username } });

      const me = await request(server.origin, "GET", "/auth/me", { cookie: cookie! });
      expect((await me.json()).user.username).toBe(username);
      const later = await openSocket(server.wsUrl, { cookie: cookie! });
      expect(await later.next()).toMatchObject({ type: "welcome", user: { username } });
      later.ws.close();
      socket.ws.close();
    });
  }

  test("[SES-3] [TIX-1] the browser's old session row is gone after sign-in; the ticket row is gone after completion", async () => {
    const socket = await anonymousSocket();
    const oldCookie = await signInOnSocket(socket, server.origin, "register", "fixation-ws");
    const oldId = oldCookie.split("=")[1]!.split(".")[0]!;
    const { ticket, verifier } = await askForTicket(socket, "login", "fixation-ws", PASSWORD);
    const ticketRows = await countRows(server.db, "one_time_tokens");
    expect(ticketRows).toBeGreaterThan(0);
    const { cookie } = await redeemTicket(server.origin, ticket!, verifier, oldCookie);
    expect(cookie).not.toBe(oldCookie);
    expect(await countRows(server.db, "sessions", "id = ?", [oldId])).toBe(0);
    expect((await socket.call({ type: "login.complete", id: 5 })).ok).toBe(true);
    expect(await countRows(server.db, "one_time_tokens")).toBe(ticketRows - 1);
    // The socket that asked moved to the new session instead of being closed.
    expect(await socket.call({ type: "ping", id: 6 })).toMatchObject({ ok: true, user: { username: "fixation-ws" } });
    socket.ws.close();
  });

  test("re-signing in on one socket ends the replaced session's other sockets as on logout", async () => {
    const first = await anonymousSocket();
    const cookie = await signInOnSocket(first, server.origin, "register", "switcher");
    const other = await openSocket(server.wsUrl, { cookie });
    await other.next();
    await signInOnSocket(first, server.origin, "login", "switcher", PASSWORD, cookie);
    expect(await other.closed).toEqual({ code: 4001, reason: "logout" });
    expect(other.received.at(-1)).toEqual({ type: "session.ended", reason: "logout" });
    expect(first.ws.readyState).toBe(WebSocket.OPEN);
    first.ws.close();
  });
});

describe("[TIX-1] [TIX-3] tickets are single-use, short-lived, and every misuse is refused and logged", () => {
  test("a reused ticket is refused with the generic error and logged", async () => {
    const socket = await anonymousSocket();
    const { ticket, verifier } = await askForTicket(socket, "register", "reuse-user", PASSWORD);
    expect((await redeemTicket(server.origin, ticket!, verifier)).response.status).toBe(204);
    const before = await ticketEvents("reused");
    const again = await redeemTicket(server.origin, ticket!, verifier);
    expect(again.response.status).toBe(400);
    expect(again.cookie).toBeNull();
    expect(await again.response.json()).toMatchObject({ error: { code: "invalid_ticket" } });
    expect(await ticketEvents("reused")).toBe(before + 1);
    socket.ws.close();
  });

  test("[TIX-2] a wrong verifier is refused, logged, and burns the ticket", async () => {
    const socket = await anonymousSocket();
    const { ticket, verifier } = await askForTicket(socket, "register", "verifier-user", PASSWORD);
    const before = await ticketEvents("wrong_verifier");
    const wrong = await redeemTicket(server.origin, ticket!, verifier.slice(0, -2) + "AA");
    expect(wrong.response.status).toBe(400);
    expect(await wrong.response.json()).toMatchObject({ error: { code: "invalid_ticket" } });
    expect(await ticketEvents("wrong_verifier")).toBe(before + 1);
    expect((await redeemTicket(server.origin, ticket!, verifier)).response.status).toBe(400);
    socket.ws.close();
  });

  test("an unknown ticket and malformed bodies get the same answer", async () => {
    const unknown = await redeemTicket(server.origin, "x".repeat(43), "y".repeat(43));
    const text = await unknown.response.text();
    expect(unknown.response.status).toBe(400);
    for (const body of ["{", "[]", '{"ticket": 1}', JSON.stringify({ ticket: "a".repeat(500), verifier: "b" })]) {
      const response = await request(server.origin, "POST", "/auth/ticket", { body, headers: { "content-type": "application/json" } });
      expect(response.status).toBe(400);
      expect(await response.text()).toBe(text);
    }
  });

  test("[TIX-2] completing from another socket is refused and logged; the asking socket still completes", async () => {
    const asking = await anonymousSocket();
    const foreign = await anonymousSocket();
    const { ticket, verifier } = await askForTicket(asking, "register", "foreign-user", PASSWORD);
    expect((await redeemTicket(server.origin, ticket!, verifier)).response.status).toBe(204);
    const before = await ticketEvents("not_redeemed");
    const stolen = await foreign.call({ type: "login.complete", id: 1 });
    expect(stolen).toMatchObject({ ok: false, error: { code: "invalid_ticket" } });
    expect(await ticketEvents("not_redeemed")).toBe(before + 1);
    expect(await foreign.call({ type: "ping", id: 2 })).toMatchObject({ ok: true, user: null });
    expect((await asking.call({ type: "login.complete", id: 3 })).ok).toBe(true);
    asking.ws.close();
    foreign.ws.close();
  });

  test("[TIX-1] 50 concurrent redemptions of one ticket: exactly one 204", async () => {
    const socket = await anonymousSocket();
    const { ticket, verifier } = await askForTicket(socket, "register", "race-user", PASSWORD);
    const before = await ticketEvents("reused");
    const results = await Promise.all(Array.from({ length: 50 }, () => redeemTicket(server.origin, ticket!, verifier)));
    const statuses = results.map((r) => r.response.status);
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(49);
    expect(await ticketEvents("reused")).toBe(before + 49);
    expect(await countRows(server.db, "sessions", "user_id = (SELECT id FROM users WHERE username = 'race-user')")).toBe(1);
    socket.ws.close();
  });

  test("[TIX-1] the ticket is never stored in clear", async () => {
    const socket = await anonymousSocket();
    const { ticket } = await askForTicket(socket, "register", "clear-user", PASSWORD);
    const rows = JSON.stringify((await server.db.execute("SELECT * FROM one_time_tokens")).rows);
    expect(rows).not.toContain(ticket!);
    socket.ws.close();
  });
});

describe("[TIX-1] expiry", () => {
  test("an expired ticket is refused and logged", async () => {
    const short = await startTestServer({ LATCH_TICKET_SECONDS: "1" });
    try {
      const socket = await openSocket(short.wsUrl);
      await socket.next();
      const { ticket, verifier } = await askForTicket(socket, "register", "late-user", PASSWORD);
      await Bun.sleep(1100);
      const late = await redeemTicket(short.origin, ticket!, verifier);
      expect(late.response.status).toBe(400);
      expect(await countRows(short.db, "auth_events", "type = 'ticket_refused' AND detail LIKE '%expired%'")).toBe(1);
      socket.ws.close();
    } finally {
      await short.stop();
    }
  });
});

describe("[WS-2] anonymous sockets", () => {
  test("may only register, sign in and ping: anything else gets unauthenticated", async () => {
    const socket = await anonymousSocket();
    for (const [i, type] of ["chat.send", "sessions.list", "logout"].entries()) {
      expect(await socket.call({ type, id: i + 1 })).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
    }
    expect(await socket.call({ type: "login.complete", id: 10 })).toMatchObject({ ok: false, error: { code: "invalid_ticket" } });
    expect((await socket.call({ type: "ping", id: 11 })).ok).toBe(true);
    socket.ws.close();
  });

  test("are closed with 4003 when not signed in within LATCH_ANON_SOCKET_SECONDS", async () => {
    const short = await startTestServer({ LATCH_ANON_SOCKET_SECONDS: "1" });
    try {
      const idle = await openSocket(short.wsUrl);
      const started = Date.now();
      expect(await idle.closed).toEqual({ code: 4003, reason: "authentication timeout" });
      expect(Date.now() - started).toBeGreaterThan(800);
      const signedIn = await openSocket(short.wsUrl);
      await signedIn.next();
      await signInOnSocket(signedIn, short.origin, "register", "quick-user");
      await Bun.sleep(1200);
      expect(signedIn.ws.readyState).toBe(WebSocket.OPEN);
      signedIn.ws.close();
    } finally {
      await short.stop();
    }
  });
});

describe("[WS-3] bad frames", () => {
  test("unknown types, malformed JSON, wrong types and binary frames get bad_request; the socket stays usable; nothing is written", async () => {
    const socket = await anonymousSocket();
    await signInOnSocket(socket, server.origin, "register", "frames-user");
    await socket.next();
    const counts = async () => [await countRows(server.db, "users"), await countRows(server.db, "sessions"), await countRows(server.db, "one_time_tokens"), await countRows(server.db, "auth_events")];
    const before = await counts();
    const frames: (string | Uint8Array<ArrayBuffer>)[] = [
      "{",
      "null",
      "42",
      '{"type":"nope","id":1}',
      '{"type":"login","id":2}',
      '{"type":"login","id":3,"username":1,"password":2,"challenge":3}',
      '{"type":"ping","id":"4"}',
      '{"type":"ping","id":5,"extra":true}',
      '{"type":"register","id":6,"username":"a","password":"b","challenge":"short"}',
      '{"__proto__":{"type":"ping"},"id":7}',
      new Uint8Array([1, 2, 3]),
    ];
    for (const frame of frames) {
      socket.ws.send(frame);
      const reply = await socket.next();
      expect(reply).toMatchObject({ type: "result", ok: false, error: { code: "bad_request" } });
    }
    expect(await socket.call({ type: "ping", id: 50 })).toMatchObject({ ok: true, user: { username: "frames-user" } });
    expect(await counts()).toEqual(before);
    socket.ws.close();
  });
});

describe("[WS-5] no token or session id outside the ticket reply", () => {
  test("socket messages and URLs carry no session token or id", async () => {
    const socket = await anonymousSocket();
    const cookie = await signInOnSocket(socket, server.origin, "register", "leak-user");
    const [id, secret] = cookie.split("=")[1]!.split(".");
    const other = await openSocket(server.wsUrl, { cookie });
    await other.call({ type: "ping", id: 1 });
    for (const message of [...socket.received, ...other.received]) {
      const text = JSON.stringify(message);
      expect(text).not.toContain(secret!);
      expect(text).not.toContain(id!);
      if (message.type !== "result" || !message.ticket) expect(text).not.toContain("ticket\":");
    }
    expect(server.wsUrl).not.toContain("?");
    socket.ws.close();
    other.ws.close();
  });
});
