// Applies the embedded drizzle-kit migrations at start, each one atomically.
import type { Client } from "@libsql/client";
import { readMigrations } from "./read-migrations.ts" with { type: "macro" };

const MIGRATIONS = readMigrations();

/** Brings the database up to the newest migration; safe when several processes start at once. */
export async function applyMigrations(client: Client): Promise<void> {
  await client.execute(
    "CREATE TABLE IF NOT EXISTS latch_migrations (tag TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)",
  );
  for (const migration of MIGRATIONS) {
    const applied = await client.execute({ sql: "SELECT 1 FROM latch_migrations WHERE tag = ?", args: [migration.tag] });
    if (applied.rows.length > 0) continue;
    try {
      // One write batch = one transaction: a crash leaves the migration wholly applied or not at all.
      await client.batch(
        [
          ...migration.statements,
          { sql: "INSERT INTO latch_migrations (tag, applied_at) VALUES (?, ?)", args: [migration.tag, Date.now()] },
        ],
        "write",
      );
    } catch (error) {
      // Another process sharing the database may have applied it between our check and our batch.
      const raced = await client.execute({ sql: "SELECT 1 FROM latch_migrations WHERE tag = ?", args: [migration.tag] });
      if (raced.rows.length === 0) throw error;
    }
  }
}
