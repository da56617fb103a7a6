// Two server processes on one database file: sign-in and revocation cross between them
// (TIX-2, SES-5).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { registerOverHttp, request } from "../helpers/http.ts";
import { spawnLatch, type LatchProcess } from "../helpers/process.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { askForTicket, redeemTicket } from "../helpers/sign-in.ts";
import { openSocket } from "../helpers/ws.ts";

let a: TestServer;
let b: LatchProcess;
let bOrigin: string;
let bWsUrl: string;

beforeAll(async () => {
  a = await startTestServer();
  // B shares A's data folder (database file and certificate) and accepts pages from A's origin,
  // as two instances behind one load balancer would.
  b = spawnLatch({ env: { LATCH_DATA_DIR: a.dataDir, LATCH_ORIGINS: a.origin } });
  bOrigin = await b.listening();
  bWsUrl = `wss://127.0.0.1:${new URL(bOrigin).port}/ws`;
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

describe("two instances, one database", () => {
  test("[TIX-2] login on A, redeem on B, complete on A", async () => {
    await registerOverHttp(a.origin, "two-instance-user");
    const socket = await openSocket(a.wsUrl);
    await socket.next();
    const { ticket, verifier } = await askForTicket(socket, "login", "two-instance-user", "correct horse battery staple");
    const redeemed = await request(bOrigin, "POST", "/auth/ticket", { origin: a.origin, json: { ticket, verifier } });
    expect(redeemed.status).toBe(204);
    const complete = await socket.call({ type: "login.complete", id: 1 });
    expect(complete).toMatchObject({ ok: true, user: { username: "two-instance-user" } });
    socket.ws.close();
  });

  test("[SES-5] a socket on B closes within 1.5 s of logout on A; B's handshake refuses the cookie at once", async () => {
    const cookie = await registerOverHttp(a.origin, "cross-logout-user");
    const onB = await openSocket(bWsUrl, { origin: a.origin, cookie });
    expect((await onB.next()).user).toMatchObject({ username: "cross-logout-user" });
    const loggedOutAt = Date.now();
    expect((await request(a.origin, "POST", "/auth/logout", { cookie })).status).toBe(204);
    const late = await openSocket(bWsUrl, { origin: a.origin, cookie });
    expect((await late.next()).user).toBeNull();
    expect(await onB.closed).toEqual({ code: 4001, reason: "logout" });
    expect(Date.now() - loggedOutAt).toBeLessThan(1500);
    expect(onB.received.at(-1)).toEqual({ type: "session.ended", reason: "logout" });
    late.ws.close();
  });
});
