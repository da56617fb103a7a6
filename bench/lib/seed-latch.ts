// Latch's data for the run: 1,000 users (one real Argon2id hash shared by all, so sign-ins verify),
// 10,000 sessions (10 per user) made with the domain's createSession, their cookies in a file.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSession } from "../../src/auth/sessions.ts";
import { hashPassword } from "../../src/auth/password.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { users } from "../../src/db/schema.ts";
import { generateId } from "../../src/lib/tokens.ts";
import { createAuthContext } from "../../src/settings.ts";

export const SEED_PASSWORD = "bench correct horse battery";
export const SEED_USERS = 1000;

/** Seeds `dataDir` for Latch; writes one `__Host-latch_session=` cookie per line to `cookiesPath`. */
export async function seedLatch(dataDir: string, cookiesPath: string, sessionCount = 10_000): Promise<void> {
  const config = loadConfig({ LATCH_DATA_DIR: dataDir, PORT: "0" });
  const database = await openDatabase(config.databaseUrl);
  const ctx = createAuthContext(config, database);
  const passwordHash = await hashPassword(SEED_PASSWORD);
  const now = Date.now();
  const rows = Array.from({ length: SEED_USERS }, (_, i) => ({
    id: generateId(),
    username: seedUsername(i),
    passwordHash,
    createdAt: now,
    passwordChangedAt: now,
  }));
  for (let start = 0; start < rows.length; start += 100) await ctx.db.insert(users).values(rows.slice(start, start + 100));
  const cookies: string[] = [];
  for (let i = 0; i < sessionCount; i++) {
    const { token } = await createSession(ctx, rows[i % SEED_USERS]!.id, { ip: "127.0.0.1", userAgent: "latch-bench" });
    cookies.push(`__Host-latch_session=${token}`);
  }
  writeFileSync(cookiesPath, cookies.join("\n"));
  database.close();
}

/** The username of seeded user `i`. */
export function seedUsername(i: number): string {
  return `bench-user-${String(i).padStart(4, "0")}`;
}

/** Paths inside the run folder. */
export function latchPaths(dir: string): { dataDir: string; cookies: string } {
  return { dataDir: join(dir, "latch-data"), cookies: join(dir, "latch.cookies") };
}
