// Opens the libSQL database (a local file or a remote server) and wraps it in Drizzle.
import { chmodSync, existsSync, mkdirSync, openSync, closeSync } from "node:fs";
import { dirname } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema.ts";
import { applyMigrations } from "./migrate.ts";
import { openSessionLookup, type SessionLookup } from "./session-lookup.ts";

export type Db = LibSQLDatabase<typeof schema>;

export interface Database {
  db: Db;
  client: Client;
  /** The session-by-id lookup of every handshake and cookie request (session-lookup.ts). */
  lookupSession: SessionLookup;
  close(): void;
}

// How long a writer waits for another process's lock before giving up.
const BUSY_TIMEOUT_MS = 5000;

/** Opens, configures and migrates the database at `url`. */
export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const local = url.startsWith("file:");
  if (local) prepareDatabaseFile(url.slice("file:".length));
  // A file database runs its native calls synchronously, so one connection serves the whole
  // process; keeping it to one also means the PRAGMAs below apply to every statement.
  const client = createClient({ url, authToken, timeout: BUSY_TIMEOUT_MS, concurrency: local ? 1 : undefined });
  if (local) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  await client.execute("PRAGMA foreign_keys = ON");
  await applyMigrations(client);
  const db = drizzle(client, { schema });
  const lookup = openSessionLookup(db, local ? await mainDatabaseFile(client) : null, BUSY_TIMEOUT_MS);
  return {
    db,
    client,
    lookupSession: lookup.lookup,
    close: () => {
      lookup.close();
      client.close();
    },
  };
}

// The absolute path SQLite opened for this client ("" for an in-memory database, which a second
// connection could not see): asking SQLite avoids parsing the URL a second, different way.
async function mainDatabaseFile(client: Client): Promise<string | null> {
  const { rows } = await client.execute("PRAGMA database_list");
  const main = rows.find((row) => row.name === "main");
  return typeof main?.file === "string" && main.file !== "" ? main.file : null;
}

// DB-1: the folder is private to the server's user (0700) and the file 0600, created before
// SQLite opens it so no other user ever gets a window to read it.
function prepareDatabaseFile(path: string): void {
  const file = path.split("?")[0] ?? path;
  if (file === ":memory:" || file === "") return;
  const folder = dirname(file);
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}
