// Profiling aid (not part of `bun run bench`): the CPU cost of each piece of Latch's per-handshake
// work, measured in-process over many calls, beside cheaper ways to do the same work.
// Run: bun bench/unit-costs.ts   (prints microseconds of CPU per call)
import { Database as BunDatabase } from "bun:sqlite";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import LibsqlDatabase from "libsql";
import pino from "pino";
import { validateSessionToken } from "../src/auth/sessions.ts";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { sessions, users } from "../src/db/schema.ts";
import { createLogger } from "../src/lib/log.ts";
import { parseFrame } from "../src/ws/parse.ts";
import { equalsConstantTime, generateId, hashSecret } from "../src/lib/tokens.ts";
import { createAuthContext } from "../src/settings.ts";
import { hashPassword, verifyPasswordHash } from "../src/auth/password.ts";
import { latchPaths, SEED_PASSWORD, seedLatch } from "./lib/seed-latch.ts";

const CALLS = 20_000;
const dir = mkdtempSync(join(tmpdir(), "latch-lookup-"));
const paths = latchPaths(dir);
await seedLatch(paths.dataDir, paths.cookies);
const tokens = (await Bun.file(paths.cookies).text()).split("\n").map((line) => line.split("=")[1]!);
const dbFile = join(paths.dataDir, "latch.db");
const config = loadConfig({ LATCH_DATA_DIR: paths.dataDir, PORT: "0" });
const database = await openDatabase(config.databaseUrl);
const ctx = createAuthContext(config, database);

async function measure(name: string, call: (i: number) => unknown, calls = CALLS): Promise<void> {
  for (let i = 0; i < Math.min(2000, calls); i++) await call(i); // warm-up (JIT, caches)
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call(i);
  const used = process.cpuUsage(before);
  console.log(`${((used.user + used.system) / calls).toFixed(1).padStart(7)} us  ${name}`);
}

// 1. The whole lookup as the handshake does it, and its parts.
await measure("validateSessionToken, as src/auth/sessions.ts has it (file database: the native lookup)", (i) =>
  validateSessionToken(ctx, tokens[i % tokens.length]!),
);
const lookupQuery = () =>
  ctx.db
    .select({ session: sessions, user: { id: users.id, username: users.username, createdAt: users.createdAt, locked: users.locked } })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId));
await measure("  the same SELECT through drizzle, built per call", (i) => lookupQuery().where(eq(sessions.id, tokens[i % tokens.length]!.split(".")[0]!)).limit(1));
const prepared = lookupQuery().where(eq(sessions.id, sql.placeholder("id"))).limit(1).prepare();
await measure("  the same SELECT through a drizzle prepared statement (built once; remote databases' path)", (i) => prepared.all({ id: tokens[i % tokens.length]!.split(".")[0]! }));
await measure("  touchSession's UPDATE of last_seen_at through drizzle (once a minute per reconnecting session)", (i) =>
  ctx.db.update(sessions).set({ lastSeenAt: Date.now() }).where(eq(sessions.id, tokens[i % tokens.length]!.split(".")[0]!)),
);
await measure("  hashSecret + equalsConstantTime (src/lib/tokens.ts)", (i) => equalsConstantTime("x".repeat(64), hashSecret(tokens[i % tokens.length]!)));
await measure("  generateId (src/lib/tokens.ts; one socket id per handshake)", () => generateId());

// 2. The same lookup with a statement prepared once on the native driver, and with bun:sqlite.
const SELECT =
  "SELECT s.id, s.secret_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent, u.username, u.created_at, u.locked " +
  "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? LIMIT 1";
const native = new LibsqlDatabase(dbFile);
const nativeStatement = native.prepare(SELECT).raw(true);
const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");
const check = (row: unknown[] | undefined, secret: string) =>
  row !== undefined && timingSafeEqual(Buffer.from(row[1] as string), Buffer.from(sha256Hex(secret)));
await measure("libsql Database, statement prepared once + sync SHA-256 + timingSafeEqual", (i) => {
  const [id, secret] = tokens[i % tokens.length]!.split(".");
  return check(nativeStatement.get(id) as unknown[] | undefined, secret!);
});
const bunDb = new BunDatabase(dbFile, { readonly: true });
const bunStatement = bunDb.prepare(SELECT);
await measure("bun:sqlite, statement prepared once + sync SHA-256 + timingSafeEqual", (i) => {
  const [id, secret] = tokens[i % tokens.length]!.split(".");
  return check(bunStatement.values(id!)[0] as unknown[] | undefined, secret!);
});
await measure("socket id from crypto.randomBytes(16).toString('base64url')", () => randomBytes(16).toString("base64url"));

// 3. One info log line (the shape of ws_close) to /dev/null, with Latch's redact list and without.
const devNull = openSync("/dev/null", "w");
const redacted = createLogger("info");
const latchLike = pino(
  { level: "info", base: undefined, redact: { paths: ["password", "token", "ticket", "verifier", "cookie", "*.password", "*.token", "*.cookie"], censor: "[redacted]" } },
  pino.destination({ dest: devNull, sync: true }),
);
const plain = pino({ level: "info", base: undefined }, pino.destination({ dest: devNull, sync: true }));
void redacted;
await measure("pino info line with Latch's redact paths (sync write to /dev/null)", () => latchLike.info({ event: "ws_open", user: "abc", ip: "127.0.0.1" }));
await measure("pino info line without redact (sync write to /dev/null)", () => plain.info({ event: "ws_open", user: "abc", ip: "127.0.0.1" }));

// 5. One Argon2id verification (m=19456 KiB, t=2, p=1), the bulk of a sign-in.
const argonHash = await hashPassword(SEED_PASSWORD);
await measure("verifyPasswordHash (Argon2id, on a worker thread; CPU of the whole process)", () => verifyPasswordHash(argonHash, SEED_PASSWORD), 40);

// 4. Per message: Latch's frame parsing (a ping takes the exact check, the rest zod) against JSON.parse alone.
const frame = '{"type":"ping","id":123456}';
await measure("parseFrame of a ping (JSON.parse + the exact ping check)", () => parseFrame(frame));
await measure("parseFrame of a login.complete (JSON.parse + zod safeParse)", () => parseFrame('{"type":"login.complete","id":123456}'));
await measure("JSON.parse of a ping alone", () => JSON.parse(frame));

native.close();
bunDb.close();
database.close();
rmSync(dir, { recursive: true, force: true });
