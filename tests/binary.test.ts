// The compiled binary on its own: built by build.ts, copied alone into an empty folder, it serves
// HTTPS, stores users with libSQL and Argon2id (native addons inside), and stops cleanly.
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { libsqlNativePackage } from "../build.ts";
import { request, sessionCookieFrom } from "./helpers/http.ts";
import { REPO_ROOT, spawnLatch, TIMED_OUT, withTimeout } from "./helpers/process.ts";
import { makeTempDir } from "./helpers/server.ts";

const root = makeTempDir("latch-binary-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("the build resolves libsql's platform package to one that is installed", () => {
  const libsqlIndex = createRequire(join(REPO_ROOT, "node_modules/@libsql/client/package.json")).resolve("libsql");
  const native = libsqlNativePackage(libsqlIndex);
  expect(native).toStartWith(`@libsql/${process.platform}-${process.arch}`);
  expect(() => createRequire(libsqlIndex).resolve(native)).not.toThrow();
});

test("dist/latch runs alone: HTTPS, register and sign in (libSQL, Argon2id, migrations), SIGTERM exits 0", async () => {
  const build = Bun.spawn([process.execPath, "build.ts"], {
    cwd: REPO_ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" },
  });
  const built = await withTimeout(build.exited, 150_000);
  if (built === TIMED_OUT) build.kill("SIGKILL");
  const buildOutput = (await new Response(build.stdout).text()) + (await new Response(build.stderr).text());
  expect({ code: built, output: buildOutput }).toMatchObject({ code: 0 });

  // Only the binary: no node_modules, no migrations folder, no sources beside it.
  const folder = join(root, "app");
  const tmp = join(root, "tmp");
  mkdirSync(folder);
  mkdirSync(tmp);
  copyFileSync(join(REPO_ROOT, "dist/latch"), join(folder, "latch"));
  expect(statSync(join(folder, "latch")).mode & 0o111).not.toBe(0);
  expect(readdirSync(folder)).toEqual(["latch"]);

  const latch = spawnLatch({ command: ["./latch"], cwd: folder, env: { TMPDIR: tmp } });
  try {
    const origin = await latch.listening(30_000);
    expect(new URL(origin).hostname).toBe("127.0.0.1");

    const health = await request(origin, "GET", "/healthz");
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    // The demo pages and both browser bundles are embedded in the binary.
    expect(await (await request(origin, "GET", "/")).text()).toContain("<title>Latch demo</title>");
    for (const script of ["/app.js", "/latch-client.js"]) {
      const response = await request(origin, "GET", script);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("javascript");
      expect((await response.text()).length).toBeGreaterThan(1000);
    }

    const credentials = { username: "binary-user", password: "granite kettle orbits slowly" };
    const registered = await request(origin, "POST", "/auth/register", { json: credentials });
    expect(registered.status).toBe(201);
    const cookie = sessionCookieFrom(registered);
    expect(cookie).not.toBeNull();
    expect((await request(origin, "GET", "/auth/me", { cookie: cookie! })).status).toBe(200);
    // Argon2id verify in the binary, both ways.
    expect((await request(origin, "POST", "/auth/login", { json: credentials })).status).toBe(200);
    expect((await request(origin, "POST", "/auth/login", { json: { ...credentials, password: "granite kettle orbits slowlY" } })).status).toBe(401);

    // [DB-1] its data went to ./data (0700) beside it, the database file 0600.
    expect(statSync(join(folder, "data")).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, "data", "latch.db")).mode & 0o777).toBe(0o600);
    // Native addons were unpacked into the TMPDIR it was given, private to its user.
    const unpacked = readdirSync(tmp).filter((name) => name.endsWith(".node"));
    expect(unpacked.length).toBeGreaterThanOrEqual(2);
    for (const name of unpacked) expect(statSync(join(tmp, name)).mode & 0o077).toBe(0);
  } finally {
    const code = await latch.stop("SIGTERM", 5000);
    expect(code).toBe(0);
  }
  expect(latch.logs().map((log) => log.event)).toContain("stopped");
  expect(latch.stderr()).toBe("");

  // The migrations embedded by the macro were all applied, with no migrations folder around.
  const journal = JSON.parse(readFileSync(join(REPO_ROOT, "migrations/meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const db = createClient({ url: `file:${join(folder, "data", "latch.db")}` });
  try {
    const applied = await db.execute("SELECT tag FROM latch_migrations ORDER BY tag");
    expect(applied.rows.map((row) => String(row.tag))).toEqual(journal.entries.map((entry) => entry.tag).sort());
  } finally {
    db.close();
  }
}, 180_000);

test("the binary ignores a bunfig.toml and .env in the folder it runs from", async () => {
  const folder = join(root, "hostile");
  mkdirSync(folder);
  copyFileSync(join(REPO_ROOT, "dist/latch"), join(folder, "latch"));
  const marker = join(folder, "preloaded");
  writeFileSync(join(folder, "preload.ts"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`);
  writeFileSync(join(folder, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
  // If .env were read, the log level would hide the "listening" line.
  writeFileSync(join(folder, ".env"), "LATCH_LOG_LEVEL=silent\n");
  const latch = spawnLatch({ command: ["./latch"], cwd: folder, env: { TMPDIR: join(root, "tmp") } });
  try {
    const origin = await latch.listening(30_000);
    expect((await request(origin, "GET", "/healthz")).status).toBe(200);
    expect(existsSync(marker)).toBe(false);
  } finally {
    expect(await latch.stop("SIGTERM", 5000)).toBe(0);
  }
}, 60_000);
