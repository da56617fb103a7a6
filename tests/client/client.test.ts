// The browser client against a real server (TLS, database, sockets), with a cookie jar standing in for the browser.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { connectLatch, LatchError, type Latch, type LatchEvents, type LatchOptions } from "../../src/client/index.ts";
import { cookieJarTransport, CookieJar, type JarTransport } from "../helpers/client-transport.ts";
import { request } from "../helpers/http.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const PASSWORD = "correct horse battery staple";
const WAIT_MS = 3_000;

let server: TestServer;
const open: Latch[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  for (const latch of open.splice(0)) latch.close();
});
afterAll(() => server.stop());

/** A client with its own (or a shared) jar; fast back-off so reconnect tests stay quick. */
function makeClient(jar = new CookieJar(), options: LatchOptions = {}): { latch: Latch; transport: JarTransport } {
  const transport = cookieJarTransport(server.origin, jar);
  const latch = connectLatch({ url: server.wsUrl, transport, requestTimeoutMs: 5_000, backoff: { baseMs: 20, capMs: 100 }, ...options });
  open.push(latch);
  return { latch, transport };
}

/** Resolves with the next `event` payload, or fails after `timeoutMs`. */
function nextEvent<K extends keyof LatchEvents>(latch: Latch, event: K, timeoutMs = WAIT_MS): Promise<LatchEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = latch.on(event, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Waits until `latch.state` is `state`, failing after `timeoutMs`. */
async function stateBecomes(latch: Latch, state: Latch["state"], timeoutMs = WAIT_MS): Promise<void> {
  if (latch.state === state) return;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const seen = await nextEvent(latch, "connection", deadline - Date.now()).catch(() => null);
    if (seen?.state === state || latch.state === state) return;
  }
  throw new Error(`state stayed ${latch.state}, expected ${state}`);
}

/** The error a promise rejects with (fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<LatchError> {
  const error = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(LatchError);
  return error as LatchError;
}

/** A client registered as `username`, settled in state "authenticated". */
async function registered(username: string, jar = new CookieJar()) {
  const client = makeClient(jar);
  await client.latch.register(username, PASSWORD);
  return client;
}

describe("register and login", () => {
  test("register signs the page in: user, state, event, and a cookie /auth/me accepts", async () => {
    const { latch, transport } = makeClient();
    expect(latch.state).toBe("connecting");
    expect(await latch.ready()).toBe(true);
    expect(latch.state).toBe("anonymous");
    const authenticated = nextEvent(latch, "authenticated");
    const user = await latch.register("client-alice", PASSWORD);
    expect(user).toMatchObject({ username: "client-alice" });
    expect(latch.user).toEqual(user);
    expect(latch.state).toBe("authenticated");
    expect((await authenticated).user).toEqual(user);
    const me = await request(server.origin, "GET", "/auth/me", { cookie: transport.jar.header() });
    expect(me.status).toBe(200);
    expect((await me.json()).user.id).toBe(user.id);
    // The session token only ever reached the jar (the "browser"), never a socket message.
    expect(transport.jar.header()).toStartWith("__Host-latch_session=");
  });

  test("login on a second client (a new browser) works, and a reconnect there is signed in by its cookie", async () => {
    await registered("client-bob");
    const { latch, transport } = makeClient();
    const user = await latch.login("client-bob", PASSWORD);
    expect(user.username).toBe("client-bob");
    expect(latch.state).toBe("authenticated");
    // A fresh client on the same jar starts signed in: welcome carries the user.
    const second = makeClient(transport.jar).latch;
    const authenticated = nextEvent(second, "authenticated");
    await second.ready();
    expect(second.user?.id).toBe(user.id);
    expect((await authenticated).user.id).toBe(user.id);
  });

  test("a wrong password rejects with invalid_credentials and leaves the client anonymous", async () => {
    await registered("client-carol");
    const { latch, transport } = makeClient();
    const error = await rejection(latch.login("client-carol", "wrong password, clearly"));
    expect(error.code).toBe("invalid_credentials");
    expect(latch.state).toBe("anonymous");
    expect(latch.user).toBeNull();
    expect(transport.jar.header()).toBeUndefined();
  });

  test("register with a taken name rejects with the server's code", async () => {
    await registered("client-dave");
    const error = await rejection(makeClient().latch.register("client-dave", PASSWORD));
    expect(error.code).toBe("username_taken");
  });
});

describe("request()", () => {
  test("an unknown type is unauthenticated on an anonymous socket, bad_request once signed in", async () => {
    const { latch } = makeClient();
    expect((await rejection(latch.request({ type: "no.such.type", text: "hi" }))).code).toBe("unauthenticated");
    await latch.register("client-erin", PASSWORD);
    expect((await rejection(latch.request({ type: "no.such.type", text: "hi" }))).code).toBe("bad_request");
  });

  test("ping resolves with the ok result; a request sent before the socket opens waits for it", async () => {
    const { latch } = makeClient();
    const result = await latch.request({ type: "ping" });
    expect(result).toMatchObject({ type: "result", ok: true, user: null });
    expect(typeof result.id).toBe("number");
  });

  test("a request in flight when the socket drops rejects with connection_lost", async () => {
    const { latch } = await registered("client-frank");
    // A login costs an Argon2id hash, so the server is still busy when its socket is cut.
    const inFlight = latch.request({ type: "login", username: "client-frank", password: PASSWORD, challenge: "a".repeat(43) });
    await Bun.sleep(5);
    for (const ws of server.running.registry.all()) ws.close(1001, "test");
    expect((await rejection(inFlight)).code).toBe("connection_lost");
  });
});

describe("logout and session ends", () => {
  test("logout ends the session, clears the cookie and reconnects anonymous", async () => {
    const { latch, transport } = await registered("client-grace");
    const ended = nextEvent(latch, "session-ended");
    await latch.logout();
    expect(await ended).toEqual({ reason: "logout" });
    expect(latch.user).toBeNull();
    expect(transport.jar.header()).toBeUndefined();
    await stateBecomes(latch, "anonymous");
    expect(latch.user).toBeNull();
    expect(transport.sockets.length).toBe(2);
  });

  test("a logout from another client of the same browser closes this one, which reconnects anonymous", async () => {
    const { latch, transport } = await registered("client-heidi");
    const other = makeClient(transport.jar).latch;
    await other.ready();
    expect(other.state).toBe("authenticated");
    const ended = nextEvent(latch, "session-ended");
    await other.logout();
    expect(await ended).toEqual({ reason: "logout" });
    await stateBecomes(latch, "anonymous");
    await stateBecomes(other, "anonymous");
    expect(latch.user).toBeNull();
  });

  test("another page of the same browser signing in as someone else moves this one to the new user", async () => {
    await registered("client-ivan");
    const { latch, transport } = await registered("client-judy");
    const other = makeClient(transport.jar).latch;
    await other.ready();
    const ended = nextEvent(latch, "session-ended");
    const switched = nextEvent(latch, "authenticated");
    await other.login("client-ivan", PASSWORD);
    expect(await ended).toEqual({ reason: "logout" });
    expect((await switched).user.username).toBe("client-ivan");
    expect(latch.state).toBe("authenticated");
    expect(other.user?.username).toBe("client-ivan");
  });

  test("an authenticated page may sign in again as another user (switch account)", async () => {
    await registered("client-ken");
    const { latch, transport } = await registered("client-lena");
    const user = await latch.login("client-ken", PASSWORD);
    expect(user.username).toBe("client-ken");
    expect(latch.user?.username).toBe("client-ken");
    const me = await request(server.origin, "GET", "/auth/me", { cookie: transport.jar.header() });
    expect((await me.json()).user.username).toBe("client-ken");
  });
});

describe("reconnect and close", () => {
  test("when the server closes the socket, the client reconnects, still signed in by its cookie", async () => {
    const { latch, transport } = await registered("client-mallory");
    const user = latch.user;
    const states: string[] = [];
    latch.on("connection", ({ state }) => states.push(state));
    for (const ws of server.running.registry.all()) ws.close(1001, "test");
    await stateBecomes(latch, "reconnecting");
    expect(latch.user).toEqual(user);
    await stateBecomes(latch, "authenticated");
    expect(states).toEqual(["reconnecting", "authenticated"]);
    expect(transport.sockets.length).toBe(2);
    expect((await latch.request({ type: "ping" })).user).toEqual(user);
  });

  test("close() stops reconnecting, even in the middle of a back-off", async () => {
    const { latch, transport } = makeClient();
    await latch.ready();
    latch.on("connection", ({ state }) => {
      if (state === "reconnecting") latch.close();
    });
    for (const ws of server.running.registry.all()) ws.close(1001, "test");
    await stateBecomes(latch, "closed");
    await Bun.sleep(300); // longer than the back-off cap
    expect(transport.sockets.length).toBe(1);
    expect((await rejection(latch.request({ type: "ping" }))).code).toBe("closed");
    expect(await latch.ready(50)).toBe(false);
  });

  test("close() on an open client closes its socket and rejects later requests", async () => {
    const { latch, transport } = makeClient();
    await latch.ready();
    latch.close();
    expect(latch.state).toBe("closed");
    expect((await rejection(latch.login("nobody-here", PASSWORD))).code).toBe("closed");
    await Bun.sleep(100);
    expect(transport.sockets.length).toBe(1);
    expect(transport.sockets[0]!.readyState).toBe(WebSocket.CLOSED);
  });
});

describe("the anonymous-socket timeout", () => {
  let shortServer: TestServer;
  beforeAll(async () => {
    shortServer = await startTestServer({ LATCH_ANON_SOCKET_SECONDS: "1" });
  });
  afterAll(() => shortServer.stop());

  test("an anonymous socket closed with 4003 is replaced by a fresh one", async () => {
    const transport = cookieJarTransport(shortServer.origin);
    const latch = connectLatch({ url: shortServer.wsUrl, transport, backoff: { baseMs: 20, capMs: 100 } });
    open.push(latch);
    await latch.ready();
    await stateBecomes(latch, "reconnecting", 2_500);
    await stateBecomes(latch, "anonymous");
    expect(transport.sockets.length).toBe(2);
  });
});
