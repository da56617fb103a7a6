// Bun macro: reads migrations/ when the program is bundled or transpiled, so the SQL is
// embedded in the code and the compiled binary needs no migrations folder beside it.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface EmbeddedMigration {
  tag: string;
  statements: string[];
}

/** Every migration drizzle-kit generated, in journal order, split into statements. */
export function readMigrations(): EmbeddedMigration[] {
  const folder = join(import.meta.dir, "../../migrations");
  const journal = JSON.parse(readFileSync(join(folder, "meta/_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  return journal.entries.map(({ tag }) => ({
    tag,
    statements: readFileSync(join(folder, `${tag}.sql`), "utf8")
      .split("--> statement-breakpoint")
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0),
  }));
}
