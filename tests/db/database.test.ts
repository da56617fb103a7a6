// The libSQL file: private permissions, connection settings, migrations, and concurrent starts.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { openDatabase } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { openReadOnlyConnection, openSessionLookup } from "../../src/db/session-lookup.ts";
import { readMigrations } from "../../src/db/read-migrations.ts";
import { request, registerOverHttp } from "../helpers/http.ts";
import { REPO_ROOT, spawnLatch } from "../helpers/process.ts";
import { countRows, makeTempDir, startTestServer, type TestServer } from "../helpers/server.ts";

const PASSWORD = "correct horse battery staple";
const JOURNAL_TAGS: string[] = JSON.parse(readFileSync(join(REPO_ROOT, "migrations/meta/_journal.json"), "utf8")).entries.map(
  (entry: { tag: string }) => entry.tag,
);

const scratch = makeTempDir("latch-db-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const freshDir = (name: string) => join(scratch, crypto.randomUUID(), name);

/** The server's own database connection (the one its PRAGMAs were set on). */
const serverClient = (server: TestServer): Client => (server.running.auth.db as unknown as { $client: Client }).$client;

async function migrationRows(db: Client): Promise<{ tag: string; applied_at: number }[]> {
  const result = await db.execute("SELECT tag, applied_at FROM latch_migrations ORDER BY tag");
  return result.rows.map((row) => ({ tag: String(row.tag), applied_at: Number(row.applied_at) }));
}

async function schemaOf(db: Client): Promise<string[]> {
  const result = await db.execute("SELECT type || ' ' || name || ' ' || coalesce(sql, '') AS entry FROM sqlite_master ORDER BY name");
  return result.rows.map((row) => String(row.entry));
}

describe("[DB-1] permissions", () => {
  test("[DB-1] a fresh data folder is created 0700 and the database file (and its WAL files) 0600", async () => {
    const dataDir = freshDir("data");
    expect(existsSync(dataDir)).toBe(false);
    const server = await startTestServer({ LATCH_DATA_DIR: dataDir });
    try {
      await registerOverHttp(server.origin, "perm-user");
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(server.dbPath)).toBe(0o600);
      for (const side of ["-wal", "-shm"]) {
        if (existsSync(server.dbPath + side)) expect(mode(server.dbPath + side)).toBe(0o600);
      }
    } finally {
      await server.stop();
    }
  });

  test("[DB-1] an existing database file readable by others is set back to 0600", async () => {
    const dataDir = freshDir("data");
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const dbPath = join(dataDir, "latch.db");
    closeSync(openSync(dbPath, "w", 0o644));
    chmodSync(dbPath, 0o666);
    const server = await startTestServer({ LATCH_DATA_DIR: dataDir });
    try {
      expect(mode(dbPath)).toBe(0o600);
    } finally {
      await server.stop();
    }
  });

  test("[DB-1] an existing data folder open to others is tightened to 0700", async () => {
    const dataDir = freshDir("data");
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o755);
    const server = await startTestServer({ LATCH_DATA_DIR: dataDir });
    try {
      expect(mode(dataDir)).toBe(0o700);
    } finally {
      await server.stop();
    }
  });

  test("[DB-1] registering, signing in and out writes nothing to the temp folder", async () => {
    const root = join(scratch, crypto.randomUUID());
    const tmp = join(root, "tmp");
    mkdirSync(tmp, { recursive: true });
    const latch = spawnLatch({ env: { LATCH_DATA_DIR: join(root, "data"), TMPDIR: tmp } });
    try {
      const origin = await latch.listening();
      const cookie = await registerOverHttp(origin, "tmp-user");
      expect((await request(origin, "GET", "/auth/me", { cookie })).status).toBe(200);
      expect((await request(origin, "POST", "/auth/login", { json: { username: "tmp-user", password: PASSWORD } })).status).toBe(200);
      expect((await request(origin, "POST", "/auth/logout", { cookie })).status).toBe(204);
    } finally {
      expect(await latch.stop()).toBe(0);
    }
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe("connection settings", () => {
  let server: TestServer;
  const started = startTestServer().then((s) => (server = s));
  afterAll(async () => (await started).stop());

  test("WAL journal mode is on (it is stored in the file, so a second connection sees it)", async () => {
    await started;
    const result = await server.db.execute("PRAGMA journal_mode");
    expect(String(result.rows[0]?.journal_mode)).toBe("wal");
  });

  test("foreign keys are enforced on the server's connection", async () => {
    await started;
    const client = serverClient(server);
    expect(Number((await client.execute("PRAGMA foreign_keys")).rows[0]?.foreign_keys)).toBe(1);
    const now = Date.now();
    const orphan = client.execute({
      sql: "INSERT INTO sessions (id, secret_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      args: ["orphan-session", "0".repeat(64), "no-such-user", now, now, now + 60_000],
    });
    expect(orphan).rejects.toThrow(/FOREIGN KEY/);
    await orphan.catch(() => {});
    // ON DELETE CASCADE: deleting a user takes their sessions with them.
    const cookie = await registerOverHttp(server.origin, "cascade-user");
    const sessionId = cookie.split("=")[1]!.split(".")[0]!;
    await client.execute({ sql: "DELETE FROM users WHERE username = ?", args: ["cascade-user"] });
    const left = await server.db.execute({ sql: "SELECT COUNT(*) AS n FROM sessions WHERE id = ?", args: [sessionId] });
    expect(Number(left.rows[0]?.n)).toBe(0);
  });

  test("a write waits for another process's lock (busy timeout) instead of failing", async () => {
    await started;
    expect(Number((await serverClient(server).execute("PRAGMA busy_timeout")).rows[0]?.timeout)).toBe(5000);
    // Another process takes the write lock and holds it for 800 ms.
    const HOLD_MS = 800;
    const holder = Bun.spawn(
      [
        process.execPath,
        "-e",
        `import { createClient } from "@libsql/client";
         const client = createClient({ url: ${JSON.stringify(`file:${server.dbPath}`)} });
         const tx = await client.transaction("write");
         await tx.execute("INSERT INTO latch_migrations (tag, applied_at) VALUES ('lock-holder', 0)");
         console.log("locked");
         await Bun.sleep(${HOLD_MS});
         await tx.rollback();
         client.close();`,
      ],
      { cwd: REPO_ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 10_000 },
    );
    const reader = holder.stdout.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("locked");
    const before = performance.now();
    const response = await request(server.origin, "POST", "/auth/register", { json: { username: "busy-user", password: PASSWORD } });
    const waited = performance.now() - before;
    expect(response.status).toBe(201);
    expect(waited).toBeGreaterThan(HOLD_MS / 2);
    reader.releaseLock();
    expect(await holder.exited).toBe(0);
  });
});

describe("the session lookup (a second, read-only connection on the same file)", () => {
  test("the cookie check sees what other connections just wrote: a locked user, then a deleted session", async () => {
    const server = await startTestServer();
    try {
      const cookie = await registerOverHttp(server.origin, "lookup-user");
      const sessionId = cookie.split("=")[1]!.split(".")[0]!;
      const me = () => request(server.origin, "GET", "/auth/me", { cookie });
      expect((await me()).status).toBe(200);
      // Written through the test's own connection, as another instance would.
      await server.db.execute({ sql: "UPDATE users SET locked = 1 WHERE username = ?", args: ["lookup-user"] });
      expect((await me()).status).toBe(401);

      const second = await registerOverHttp(server.origin, "lookup-user-2");
      const secondMe = () => request(server.origin, "GET", "/auth/me", { cookie: second });
      expect((await secondMe()).status).toBe(200);
      await server.db.execute({ sql: "DELETE FROM sessions WHERE id = ?", args: [second.split("=")[1]!.split(".")[0]!] });
      expect((await secondMe()).status).toBe(401);
      // The locked user's session was ended by the check (deleted and fed to other instances).
      expect(await countRows(server.db, "sessions", "id = ?", [sessionId])).toBe(0);
      expect(await countRows(server.db, "revocations", "session_id = ? AND reason = 'expired'", [sessionId])).toBe(1);
    } finally {
      await server.stop();
    }
  });

  test("the lookup's connection refuses writes (query_only) but reads what the main one wrote", async () => {
    const dbPath = join(freshDir("data"), "latch.db");
    const database = await openDatabase(`file:${dbPath}`);
    const reader = openReadOnlyConnection(dbPath, 5000);
    try {
      const now = Date.now();
      await database.client.execute({
        sql: "INSERT INTO users (id, username, password_hash, created_at, password_changed_at) VALUES ('u2', 'bob', 'x', ?, ?)",
        args: [now, now],
      });
      expect(reader.prepare("SELECT username FROM users WHERE id = 'u2'").raw(true).get()).toEqual(["bob"]);
      expect(() => reader.prepare("DELETE FROM users").run()).toThrow(/readonly|read-only|query_only/i);
      expect(() => reader.prepare("UPDATE sessions SET expires_at = 0").run()).toThrow(/readonly|read-only|query_only/i);
      expect(await countRows(database.client, "users")).toBe(1);
    } finally {
      reader.close();
      database.close();
    }
  });

  test("it returns what the Drizzle query returns, field for field, and null for an unknown id", async () => {
    const dbPath = join(freshDir("data"), "latch.db");
    const database = await openDatabase(`file:${dbPath}`);
    try {
      const drizzleLookup = openSessionLookup(database.db, null, 5000);
      const now = Date.now();
      await database.client.batch([
        { sql: "INSERT INTO users (id, username, password_hash, created_at, password_changed_at, locked) VALUES ('u1', 'ann', 'x', ?, ?, 1)", args: [now - 5, now - 5] },
        {
          sql: "INSERT INTO sessions (id, secret_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) VALUES ('s1', 'h', 'u1', ?, ?, ?, NULL, 'agent')",
          args: [now - 3, now - 2, now + 60_000],
        },
      ]);
      const native = await database.lookupSession("s1");
      expect(native).toEqual({
        session: { id: "s1", secretHash: "h", userId: "u1", createdAt: now - 3, lastSeenAt: now - 2, expiresAt: now + 60_000, ip: null, userAgent: "agent" },
        user: { id: "u1", username: "ann", createdAt: now - 5 },
        userLocked: true,
      });
      expect(await drizzleLookup.lookup("s1")).toEqual(native!);
      expect(await database.lookupSession("missing")).toBeNull();
      expect(await drizzleLookup.lookup("missing")).toBeNull();
    } finally {
      database.close();
    }
  });
});

describe("migrations", () => {
  test("the embedded migrations are the journal's, in order, each with statements", () => {
    const migrations = readMigrations();
    expect(migrations.map((m) => m.tag)).toEqual(JOURNAL_TAGS);
    for (const migration of migrations) expect(migration.statements.length).toBeGreaterThan(0);
  });

  test("applied once on a fresh database; a second start and a direct re-apply change nothing", async () => {
    const dataDir = freshDir("data");
    const first = await startTestServer({ LATCH_DATA_DIR: dataDir });
    const applied = await migrationRows(first.db);
    expect(applied.map((row) => row.tag)).toEqual([...JOURNAL_TAGS].sort());
    const schema = await schemaOf(first.db);
    await registerOverHttp(first.origin, "kept-user");
    await first.stop();

    const second = await startTestServer({ LATCH_DATA_DIR: dataDir });
    try {
      expect(await migrationRows(second.db)).toEqual(applied);
      expect(await schemaOf(second.db)).toEqual(schema);
      const login = await request(second.origin, "POST", "/auth/login", { json: { username: "kept-user", password: PASSWORD } });
      expect(login.status).toBe(200);

      await applyMigrations(second.db);
      expect(await migrationRows(second.db)).toEqual(applied);
      expect(await schemaOf(second.db)).toEqual(schema);
    } finally {
      await second.stop();
    }
  });

  test("two processes starting at once on one fresh database file both come up and share it", async () => {
    const root = join(scratch, crypto.randomUUID());
    const databaseUrl = `file:${join(root, "shared", "latch.db")}`;
    const processes = ["a", "b"].map((name) => spawnLatch({ env: { LATCH_DATA_DIR: join(root, name), DATABASE_URL: databaseUrl } }));
    try {
      const [originA, originB] = await Promise.all(processes.map((p) => p.listening(15_000)));
      for (const origin of [originA!, originB!]) {
        expect((await request(origin, "GET", "/healthz")).status).toBe(200);
      }
      await registerOverHttp(originA!, "shared-user");
      const login = await request(originB!, "POST", "/auth/login", { json: { username: "shared-user", password: PASSWORD } });
      expect(login.status).toBe(200);
      const db = createClient({ url: databaseUrl });
      try {
        expect((await migrationRows(db)).map((row) => row.tag)).toEqual([...JOURNAL_TAGS].sort());
      } finally {
        db.close();
      }
    } finally {
      const codes = await Promise.all(processes.map((p) => p.stop()));
      expect(codes).toEqual([0, 0]);
    }
    expect(processes.flatMap((p) => p.logs()).filter((log) => log.level >= 50)).toEqual([]);
  });
});
