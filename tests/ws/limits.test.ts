// [WS-4] socket limits: message size, message rate, sockets per user, idle timeout, backpressure.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type TLSSocket } from "node:tls";
import { registerOverHttp } from "../helpers/http.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { handshakeStatus, openSocket } from "../helpers/ws.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ LATCH_WS_MESSAGES_PER_SECOND: "10", LATCH_WS_BURST_MESSAGES: "20", LATCH_WS_IDLE_SECONDS: "8" });
});
afterAll(() => server.stop());

/** A raw TLS connection that completes the WebSocket handshake and then does only what we say. */
async function rawSocket(target: TestServer): Promise<{ tls: TLSSocket; closed: Promise<number> }> {
  const url = new URL(target.wsUrl);
  const tls = connect({ host: "127.0.0.1", port: Number(url.port), rejectUnauthorized: false });
  const openedAt = Date.now();
  const closed = new Promise<number>((resolve) => tls.on("close", () => resolve(Date.now() - openedAt)));
  await new Promise<void>((resolve, reject) => {
    tls.once("secureConnect", () => {
      tls.write(
        `GET /ws HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${target.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${btoa("raw-socket-key!!")}\r\n\r\n`,
      );
    });
    tls.once("data", (chunk) => (String(chunk).startsWith("HTTP/1.1 101") ? resolve() : reject(new Error(String(chunk)))));
    tls.once("error", reject);
  });
  return { tls, closed };
}

/** One masked client text frame (RFC 6455), for raw sockets. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  return Buffer.concat([header, mask, payload.map((byte, i) => byte ^ mask[i % 4]!)]);
}

describe("[WS-4] socket limits", () => {
  test("a frame over 16 KiB closes the socket with 1009; one just under is answered", async () => {
    const socket = await openSocket(server.wsUrl);
    await socket.next();
    const almost = JSON.stringify({ type: "ping", id: 1, pad: "x".repeat(16 * 1024 - 40) });
    expect(almost.length).toBeLessThanOrEqual(16 * 1024);
    socket.ws.send(almost);
    expect(await socket.next()).toMatchObject({ ok: false, error: { code: "bad_request" } });
    socket.ws.send(JSON.stringify({ type: "ping", id: 2, pad: "x".repeat(16 * 1024) }));
    expect((await socket.closed).code).toBe(1009);
  });

  test("a flood gets rate_limited replies, then a close with 1008", async () => {
    const socket = await openSocket(server.wsUrl);
    await socket.next();
    for (let i = 0; i < 200 && socket.ws.readyState === WebSocket.OPEN; i++) socket.send({ type: "ping", id: i });
    const closed = await socket.closed;
    expect(closed.code).toBe(1008);
    const replies = socket.received.filter((message) => message.type === "result");
    expect(replies.slice(0, 20).every((reply) => reply.ok)).toBe(true);
    const limited = replies.filter((reply) => reply.error?.code === "rate_limited");
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.error.retry_after).toBeGreaterThanOrEqual(1);
  });

  test("a client within the rate is never limited", async () => {
    const socket = await openSocket(server.wsUrl);
    await socket.next();
    for (let i = 0; i < 30; i++) {
      expect((await socket.call({ type: "ping", id: i })).ok).toBe(true);
      await Bun.sleep(60);
    }
    socket.ws.close();
  });

  test("the 21st socket of a user is refused", async () => {
    const cookie = await registerOverHttp(server.origin, "many-sockets");
    const sockets = await Promise.all(Array.from({ length: 20 }, () => openSocket(server.wsUrl, { cookie })));
    expect(await handshakeStatus(server.wsUrl, { origin: server.origin, cookie })).toBe(429);
    await expect(openSocket(server.wsUrl, { cookie })).rejects.toThrow("handshake refused");
    sockets[0]!.ws.close();
    await sockets[0]!.closed;
    const replacement = await openSocket(server.wsUrl, { cookie });
    expect((await replacement.next()).user).toMatchObject({ username: "many-sockets" });
    for (const socket of [...sockets.slice(1), replacement]) socket.ws.close();
  });

  test("a silent client (no pong) is dropped after the idle timeout; a live one is kept", async () => {
    const silent = await rawSocket(server);
    const live = await openSocket(server.wsUrl);
    await live.next();
    const droppedAfter = await silent.closed;
    // uWebSockets checks timeouts on a coarse (4 s) tick, so "8 s" means 4 to 12 s.
    expect(droppedAfter).toBeGreaterThanOrEqual(4000);
    expect(droppedAfter).toBeLessThan(13_000);
    // The Bun client answered the server's pings, so it is still here.
    expect((await live.call({ type: "ping", id: 1 })).ok).toBe(true);
    live.ws.close();
  }, 20_000);

  test("a client that does not read its replies is dropped instead of buffered without bound", async () => {
    const fast = await startTestServer({
      LATCH_WS_MESSAGES_PER_SECOND: "100000",
      LATCH_WS_BURST_MESSAGES: "1000000",
      LATCH_WS_BACKPRESSURE_BYTES: "65536",
    });
    try {
      const { tls, closed } = await rawSocket(fast);
      tls.pause();
      // 1,000 pings per write; each earns a reply that, unread, piles up in the kernel's buffers
      // and then in Bun's, until the limit drops the socket.
      const pings = Buffer.concat(Array.from({ length: 1000 }, (_, i) => textFrame(JSON.stringify({ type: "ping", id: i }))));
      let droppedAfter: number | null = null;
      void closed.then((ms) => (droppedAfter = ms));
      const deadline = Date.now() + 3000;
      for (let i = 0; i < 1000 && droppedAfter === null && Date.now() < deadline; i++) {
        if (!tls.write(pings)) await Promise.race([new Promise((resolve) => tls.once("drain", resolve)), closed, Bun.sleep(200)]);
      }
      tls.resume();
      expect(await Promise.race([closed, Bun.sleep(5000).then(() => "still open")])).not.toBe("still open");
    } finally {
      await fast.stop();
    }
  });
});
