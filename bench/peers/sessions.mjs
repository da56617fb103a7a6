// What both Node peers start from: an express server with express-session over one MemoryStore
// pre-populated with 10,000 signed-in sessions, whose signed `connect.sid` cookies are written to
// COOKIES_FILE for the load client.
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import express from "express";
import session from "express-session";

const SECRET = randomBytes(32).toString("hex");
const DAY_MS = 86_400_000;

/**
 * What both Node peers start from: an express app with the session middleware and a health
 * route, on an HTTPS server when TLS_CERT/TLS_KEY are set (plain HTTP otherwise).
 */
export function createSessionServer() {
  const tls = tlsOptions();
  const sessionParser = makeSessionMiddleware(tls !== null);
  const app = express();
  app.use(sessionParser);
  app.get("/healthz", (_req, res) => res.json({ ok: true }));
  const server = tls ? createHttpsServer(tls, app) : createHttpServer(app);
  return { tls, sessionParser, server };
}

/** TLS options from TLS_CERT/TLS_KEY, or null for plain ws://. */
function tlsOptions() {
  if (!process.env.TLS_CERT) return null;
  return { cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) };
}

/** express-session middleware over a MemoryStore holding `count` sessions (10 per user). */
function makeSessionMiddleware(secure, count = Number(process.env.SESSIONS ?? 10_000)) {
  const store = new session.MemoryStore();
  const cookies = [];
  for (let i = 0; i < count; i++) {
    const sid = randomBytes(24).toString("base64url");
    const expires = new Date(Date.now() + DAY_MS);
    const data = {
      cookie: { originalMaxAge: DAY_MS, expires, secure, httpOnly: true, path: "/", sameSite: "lax" },
      user: { id: `user-${i % 1000}`, username: `bench-user-${i % 1000}` },
    };
    store.set(sid, data, () => {});
    cookies.push(`connect.sid=${encodeURIComponent(`s:${sign(sid)}`)}`);
  }
  if (process.env.COOKIES_FILE) writeFileSync(process.env.COOKIES_FILE, cookies.join("\n"));
  return session({
    secret: SECRET,
    store,
    resave: false,
    saveUninitialized: false,
    cookie: { secure, httpOnly: true, sameSite: "lax", maxAge: DAY_MS },
  });
}

// What cookie-signature (express-session's signer) does: value.base64(HMAC-SHA256) without padding.
function sign(value) {
  return `${value}.${createHmac("sha256", SECRET).update(value).digest("base64").replace(/=+$/, "")}`;
}

/** Prints the line bench/lib/servers.ts waits for. */
export function announce(server, tls) {
  const url = `${tls ? "https" : "http"}://127.0.0.1:${server.address().port}`;
  console.log(JSON.stringify({ event: "listening", url }));
  process.on("SIGTERM", () => process.exit(0));
  return url;
}
