// The demo chat on the socket: members only, and the sender's name always comes from the session.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { registerOverHttp } from "../helpers/http.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket, type TestSocket } from "../helpers/ws.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function member(username: string): Promise<TestSocket> {
  const socket = await openSocket(server.wsUrl, { cookie: await registerOverHttp(server.origin, username) });
  await socket.next();
  expect(await socket.call({ type: "chat.join", id: 1 })).toMatchObject({ ok: true, history: expect.any(Array) });
  return socket;
}

async function nextOfType(socket: TestSocket, type: string): Promise<Record<string, any>> {
  for (let i = 0; i < 20; i++) {
    const message = await socket.next();
    if (message.type === type) return message;
  }
  throw new Error(`no ${type}`);
}

describe("demo chat", () => {
  test("a message reaches the other member with the sender's name set by the server", async () => {
    const alice = await member("chat-alice");
    const bob = await member("chat-bob");
    expect((await nextOfType(alice, "chat.presence")).users).toContain("chat-alice");
    expect(await alice.call({ type: "chat.send", id: 2, text: "hello bob" })).toMatchObject({ ok: true });
    expect(await nextOfType(bob, "chat.message")).toMatchObject({ from: "chat-alice", text: "hello bob" });
    // A client cannot choose the sender: extra fields are refused.
    expect(await alice.call({ type: "chat.send", id: 3, text: "x", from: "chat-bob" })).toMatchObject({ ok: false, error: { code: "bad_request" } });
    alice.ws.close();
    expect((await nextOfType(bob, "chat.presence")).users).toEqual(["chat-bob"]);
    bob.ws.close();
  });

  test("anonymous sockets cannot join; members must join before sending", async () => {
    const anonymous = await openSocket(server.wsUrl);
    await anonymous.next();
    expect(await anonymous.call({ type: "chat.join", id: 1 })).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
    const signedIn = await openSocket(server.wsUrl, { cookie: await registerOverHttp(server.origin, "chat-carol") });
    await signedIn.next();
    expect(await signedIn.call({ type: "chat.send", id: 2, text: "hi" })).toMatchObject({ ok: false, error: { code: "not_joined" } });
    anonymous.ws.close();
    signedIn.ws.close();
  });
});
