// The HTTP account API over real TLS: cookies, sessions, credentials and errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { request, registerOverHttp, sessionCookieFrom } from "../helpers/http.ts";
import { countRows, startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe("POST /auth/register", () => {
  test("[SES-2] sets a __Host- cookie: Secure, HttpOnly, SameSite=Lax, Path=/", async () => {
    const response = await request(server.origin, "POST", "/auth/register", { json: { username: "cookie-user", password: PASSWORD } });
    expect(response.status).toBe(201);
    const lines = response.headers.getSetCookie();
    expect(lines).toHaveLength(1);
    const attributes = lines[0]!.split(";").map((part) => part.trim().toLowerCase());
    expect(attributes[0]).toMatch(/^__host-latch_session=[a-z0-9]{26}\.[a-z0-9_-]{43}$/);
    expect(attributes).toContain("secure");
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
    const body = await response.json();
    expect(body.user.username).toBe("cookie-user");
    expect(JSON.stringify(body)).not.toContain(sessionCookieFrom(response)!.split("=")[1]!.split(".")[1]!);
  });

  test("usernames are normalized (NFKC + case fold) and unique", async () => {
    await registerOverHttp(server.origin, "Normal-Name");
    const again = await request(server.origin, "POST", "/auth/register", { json: { username: "ＮＯＲＭＡＬ-name", password: PASSWORD } });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("username_taken");
    const bad = await request(server.origin, "POST", "/auth/register", { json: { username: "no spaces here", password: PASSWORD } });
    expect((await bad.json()).error.code).toBe("invalid_username");
  });
});

describe("sessions over HTTP", () => {
  test("/auth/me works with the cookie; [SES-5] logout makes the cookie useless", async () => {
    const cookie = await registerOverHttp(server.origin, "me-user");
    const me = await request(server.origin, "GET", "/auth/me", { cookie });
    expect(me.status).toBe(200);
    expect((await me.json()).user.username).toBe("me-user");

    const logout = await request(server.origin, "POST", "/auth/logout", { cookie });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie()[0]).toMatch(/^__Host-latch_session=;.*Max-Age=0/);
    const after = await request(server.origin, "GET", "/auth/me", { cookie });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: { code: "unauthenticated", message: "Sign in first." } });
  });

  test("[SES-3] login deletes the browser's previous session row", async () => {
    const first = await registerOverHttp(server.origin, "fixation-user");
    const firstId = first.split("=")[1]!.split(".")[0]!;
    expect(await countRows(server.db, "sessions", "id = ?", [firstId])).toBe(1);
    const login = await request(server.origin, "POST", "/auth/login", {
      cookie: first,
      json: { username: "fixation-user", password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const second = sessionCookieFrom(login)!;
    expect(second).not.toBe(first);
    expect(await countRows(server.db, "sessions", "id = ?", [firstId])).toBe(0);
    expect((await request(server.origin, "GET", "/auth/me", { cookie: first })).status).toBe(401);
    expect((await request(server.origin, "GET", "/auth/me", { cookie: second })).status).toBe(200);
  });

  test("[SES-1] the stored row holds no usable secret: its hash alone does not validate", async () => {
    const cookie = await registerOverHttp(server.origin, "hash-user");
    const [id, secret] = cookie.split("=")[1]!.split(".");
    const row = (await server.db.execute({ sql: "SELECT secret_hash FROM sessions WHERE id = ?", args: [id!] })).rows[0]!;
    const storedHash = String(row.secret_hash);
    expect(storedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(storedHash).not.toContain(secret!);
    const forged = await request(server.origin, "GET", "/auth/me", { cookie: `__Host-latch_session=${id}.${storedHash}` });
    expect(forged.status).toBe(401);
    const tampered = await request(server.origin, "GET", "/auth/me", { cookie: `__Host-latch_session=${id}.${secret!.slice(0, -1)}x` });
    expect(tampered.status).toBe(401);
  });

  test("[SES-1] secrets are long and distinct: 5 sessions, no repeats, >=128 bits each", async () => {
    const response = await Promise.all(
      Array.from({ length: 5 }, () => request(server.origin, "POST", "/auth/login", { json: { username: "hash-user", password: PASSWORD } })),
    );
    const secrets = response.map((r) => sessionCookieFrom(r)!.split(".")[1]!);
    expect(new Set(secrets).size).toBe(secrets.length);
    for (const secret of secrets) expect(secret.length * 6).toBeGreaterThanOrEqual(128);
  });
});

describe("POST /auth/login", () => {
  test("[AUTH-1] unknown user and wrong password get the same status and body", async () => {
    await registerOverHttp(server.origin, "known-user");
    const wrong = await request(server.origin, "POST", "/auth/login", { json: { username: "known-user", password: "not the password at all" } });
    const unknown = await request(server.origin, "POST", "/auth/login", { json: { username: "nobody-here", password: "not the password at all" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    expect(await unknown.text()).toBe(await wrong.text());
    expect(wrong.headers.getSetCookie()).toHaveLength(0);
  });

  test("[AUTH-3] a failed sign-in is an audit event with ip and user agent, never the password", async () => {
    const password = "an-unmistakable-wrong-password";
    await request(server.origin, "POST", "/auth/login", {
      json: { username: "known-user", password },
      headers: { "user-agent": "audit-test-agent" },
    });
    const rows = (await server.db.execute("SELECT * FROM auth_events WHERE type = 'login_failed' AND user_agent = 'audit-test-agent'")).rows;
    expect(rows.length).toBe(1);
    expect(rows[0]!.ip).toBe("127.0.0.1");
    const everything = JSON.stringify((await server.db.execute("SELECT * FROM auth_events")).rows);
    expect(everything).not.toContain(password);
  });
});

describe("[TLS-3] [TLS-2] security headers", () => {
  test("every response carries HSTS, a CSP without inline script, nosniff, frame-ancestors and a referrer policy", async () => {
    for (const path of ["/healthz", "/auth/me", "/no-such-page"]) {
      const response = await request(server.origin, "GET", path);
      expect(response.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
      const csp = response.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });
});

describe("[CSRF-1] state-changing requests check Origin", () => {
  test("a foreign or missing Origin is refused with 403 and nothing is written", async () => {
    const before = await countRows(server.db, "users");
    for (const origin of ["https://evil.example", null, "http://127.0.0.1:" + new URL(server.origin).port]) {
      const response = await request(server.origin, "POST", "/auth/register", { origin, json: { username: "csrf-user", password: PASSWORD } });
      expect(response.status).toBe(403);
      expect((await response.json()).error.code).toBe("forbidden_origin");
    }
    expect(await countRows(server.db, "users")).toBe(before);
  });
});

describe("hostile input to every route", () => {
  const routes = ["/auth/register", "/auth/login", "/auth/logout"];
  const bodies: { body: string; type?: string }[] = [
    { body: "{not json" },
    { body: "null" },
    { body: "[]" },
    { body: '{"username": 5, "password": true}' },
    { body: '{"username": "a"}' },
    { body: '{"__proto__": {"admin": true}, "username": "x", "password": "y"}' },
    { body: JSON.stringify({ username: "u".repeat(300), password: "p".repeat(2000) }) },
    { body: "x".repeat(1024 * 1024) },
    { body: "username=a&password=b", type: "application/x-www-form-urlencoded" },
  ];

  test("malformed JSON, wrong types and huge bodies get 4xx with the error shape, and nothing is written", async () => {
    const users = await countRows(server.db, "users");
    const sessions = await countRows(server.db, "sessions");
    for (const route of routes) {
      for (const { body, type } of bodies) {
        const response = await request(server.origin, "POST", route, {
          body,
          headers: { "content-type": type ?? "application/json" },
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        const json = await response.json();
        expect(typeof json.error.code).toBe("string");
        expect(typeof json.error.message).toBe("string");
      }
    }
    expect(await countRows(server.db, "users")).toBe(users);
    expect(await countRows(server.db, "sessions")).toBe(sessions);
    expect((await request(server.origin, "GET", "/healthz")).status).toBe(200);
  });
});
