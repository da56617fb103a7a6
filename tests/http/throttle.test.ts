// [AUTH-2] sign-in throttling per account and per IP with back-off, kept in the database.
import { afterAll, describe, expect, test } from "bun:test";
import { registerOverHttp, request } from "../helpers/http.ts";
import { countRows, makeTempDir, startTestServer, type TestServer } from "../helpers/server.ts";
import { askForTicket } from "../helpers/sign-in.ts";
import { openSocket } from "../helpers/ws.ts";

const PASSWORD = "correct horse battery staple";
const started: TestServer[] = [];
afterAll(async () => {
  for (const server of started) await server.stop().catch(() => undefined);
});

async function start(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer(env);
  started.push(server);
  return server;
}

function login(server: TestServer, username: string, password: string, fromIp?: string) {
  return request(server.origin, "POST", "/auth/login", {
    json: { username, password },
    headers: fromIp ? { "x-forwarded-for": fromIp } : {},
  });
}

describe("[AUTH-2] per account", () => {
  test("20 wrong passwords from several IPs: throttled with back-off; the right password waits, then works; a restart keeps it", async () => {
    const dataDir = makeTempDir();
    // The test client is a trusted proxy, so X-Forwarded-For stands in for several client IPs.
    const env = { LATCH_DATA_DIR: dataDir, LATCH_TRUSTED_PROXIES: "127.0.0.1", LATCH_THROTTLE_IP_FREE_FAILURES: "1000" };
    let server = await start(env);
    await registerOverHttp(server.origin, "victim");

    const statuses: number[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 20; i++) {
      const response = await login(server, "victim", `wrong password number ${i}`, `203.0.113.${i % 5}`);
      statuses.push(response.status);
      if (response.status === 429) {
        const body = await response.json();
        expect(body.error.code).toBe("throttled");
        retryAfter = body.error.retry_after;
        expect(Number(response.headers.get("retry-after"))).toBe(retryAfter);
      }
    }
    // Five free failures, the sixth sets a 1 s block, the rest are refused before any hashing.
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses.slice(6).every((status) => status === 429)).toBe(true);
    expect(retryAfter).toBe(1);

    const refused = await login(server, "victim", PASSWORD, "203.0.113.9");
    expect(refused.status).toBe(429);
    await Bun.sleep(1100);
    // The block grows: the next failure earns 2 s.
    expect((await login(server, "victim", "still wrong, sorry", "203.0.113.9")).status).toBe(401);
    const grown = await login(server, "victim", PASSWORD, "203.0.113.9");
    expect(grown.status).toBe(429);
    expect((await grown.json()).error.retry_after).toBe(2);

    await server.stop();
    started.pop();
    server = await start(env);
    expect((await login(server, "victim", PASSWORD)).status).toBe(429);
    await Bun.sleep(2100);
    expect((await login(server, "victim", PASSWORD)).status).toBe(200);
    // Success clears the account's count: one typo now is free again.
    expect((await login(server, "victim", "one typo")).status).toBe(401);
    expect((await login(server, "victim", PASSWORD)).status).toBe(200);
  });

  test("an unknown username is throttled the same way (no enumeration by throttling)", async () => {
    const server = await start({});
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await login(server, "nobody-at-all", `guess ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
  });

  test("the socket path is throttled too, with retry_after", async () => {
    const server = await start({});
    await registerOverHttp(server.origin, "socket-victim");
    const socket = await openSocket(server.wsUrl);
    await socket.next();
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { reply } = await askForTicket(socket, "login", "socket-victim", `wrong ${i}`);
      codes.push(reply.error.code);
      if (reply.error.code === "throttled") expect(reply.error.retry_after).toBeGreaterThanOrEqual(1);
    }
    expect(codes).toEqual([...Array(6).fill("invalid_credentials"), "throttled"]);
    socket.ws.close();
  });
});

describe("[AUTH-2] per IP", () => {
  test("failures across accounts from one IP are throttled; another IP is not", async () => {
    const server = await start({ LATCH_TRUSTED_PROXIES: "127.0.0.1", LATCH_THROTTLE_IP_FREE_FAILURES: "3" });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(server, `sprayed-${i}`, "Summer2026!!", "198.51.100.7")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect((await login(server, "sprayed-9", "Summer2026!!", "198.51.100.8")).status).toBe(401);
  });

  test("registrations are throttled per IP", async () => {
    const server = await start({ LATCH_REGISTRATIONS_PER_IP_PER_HOUR: "2" });
    await registerOverHttp(server.origin, "reg-one");
    await registerOverHttp(server.origin, "reg-two");
    const third = await request(server.origin, "POST", "/auth/register", { json: { username: "reg-three", password: PASSWORD } });
    expect(third.status).toBe(429);
    expect((await third.json()).error).toMatchObject({ code: "throttled", retry_after: 60 });
    expect(await countRows(server.db, "users", "username = 'reg-three'")).toBe(0);
  });

  test("[NET-1] X-Forwarded-For is ignored unless the connection comes from a trusted proxy", async () => {
    const server = await start({});
    await login(server, "spoof-check", "whatever whatever", "192.0.2.55");
    const rows = (await server.db.execute("SELECT ip FROM auth_events WHERE type = 'login_failed'")).rows;
    expect(rows.map((row) => row.ip)).toEqual(["127.0.0.1"]);
  });
});
