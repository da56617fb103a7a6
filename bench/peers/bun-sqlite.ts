// Peer "Bun + lookup": bare Bun plus the minimum honest auth — Origin check, then the session cookie
// `id.secret` looked up in bun:sqlite (WAL file) and the SHA-256 of the secret compared in constant time.
// Env: PORT, TLS_CERT + TLS_KEY, DATA_DIR (the database), COOKIES_FILE (written), SESSIONS (default 10000).
import { Database } from "bun:sqlite";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const COOKIE = "bench_session";
const tls = process.env.TLS_CERT ? { cert: readFileSync(process.env.TLS_CERT, "utf8"), key: readFileSync(process.env.TLS_KEY!, "utf8") } : undefined;
const db = new Database(join(process.env.DATA_DIR ?? "/tmp", `bun-sqlite-${process.pid}.db`), { create: true });
db.run("PRAGMA journal_mode = WAL");
db.run("CREATE TABLE sessions (id TEXT PRIMARY KEY, secret_hash BLOB NOT NULL, user_id TEXT NOT NULL, username TEXT NOT NULL, expires_at INTEGER NOT NULL)");

// 10,000 sessions, 10 per user, as in the other servers' stores.
const sha256 = (text: string) => createHash("sha256").update(text).digest();
const insert = db.prepare("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)");
const cookies: string[] = [];
db.transaction(() => {
  for (let i = 0; i < Number(process.env.SESSIONS ?? 10_000); i++) {
    const id = randomBytes(16).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    insert.run(id, sha256(secret), `user-${i % 1000}`, `bench-user-${i % 1000}`, Date.now() + 86_400_000);
    cookies.push(`${COOKIE}=${id}.${secret}`);
  }
})();
if (process.env.COOKIES_FILE) writeFileSync(process.env.COOKIES_FILE, cookies.join("\n"));

const lookup = db.prepare<{ secret_hash: Uint8Array; user_id: string; username: string; expires_at: number }, [string]>(
  "SELECT secret_hash, user_id, username, expires_at FROM sessions WHERE id = ?",
);

function userFrom(request: Request): { id: string; username: string } | null {
  const token = new Bun.CookieMap(request.headers.get("cookie") ?? "").get(COOKIE);
  const [id, secret] = token?.split(".") ?? [];
  if (!id || !secret) return null;
  const row = lookup.get(id);
  if (!row || row.expires_at <= Date.now() || !timingSafeEqual(row.secret_hash, sha256(secret))) return null;
  return { id: row.user_id, username: row.username };
}

let origin = "";
const server = Bun.serve<{ user: { id: string; username: string } }>({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  tls,
  fetch(request, server) {
    if (request.headers.get("origin") !== origin) return new Response("forbidden origin", { status: 403 });
    const user = userFrom(request);
    if (!user) return new Response("unauthenticated", { status: 401 });
    if (server.upgrade(request, { data: { user } })) return undefined;
    return new Response("WebSocket only", { status: 426 });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      ws.send(JSON.stringify({ type: "welcome", protocol: 1, user: ws.data.user }));
    },
    message(ws, raw) {
      const message = JSON.parse(String(raw)) as { id: number };
      ws.send(JSON.stringify({ type: "result", id: message.id, ok: true, user: ws.data.user }));
    },
  },
});
origin = `${tls ? "https" : "http"}://127.0.0.1:${server.port}`;

console.log(JSON.stringify({ event: "listening", url: origin }));
process.on("SIGTERM", () => {
  server.stop(true);
  db.close();
  process.exit(0);
});
