// The query every socket handshake and every request with a cookie runs: a session by id,
// joined with its user. It is the hottest statement in Latch, so on a local file it runs on a
// statement SQLite compiles once, instead of through @libsql/client, which compiles the SQL
// again on every call (about 85 us of the ~95 us a lookup cost; bench/RESULTS.md).
import Database from "libsql";
import { eq, getTableColumns, sql } from "drizzle-orm";
import { sessions, users } from "./schema.ts";
import type { Db } from "./client.ts";

export interface SessionLookupRow {
  session: typeof sessions.$inferSelect;
  user: { id: string; username: string; createdAt: number };
  userLocked: boolean;
}

/** The session `sessionId` and its user, or null when there is no such session. */
export type SessionLookup = (sessionId: string) => Promise<SessionLookupRow | null>;

export interface OpenedSessionLookup {
  lookup: SessionLookup;
  close(): void;
}

const SESSION_COLUMNS = getTableColumns(sessions);
const USER_FIELDS = { username: users.username, createdAt: users.createdAt, locked: users.locked };
// The native statement returns the columns in the select's order: the session's, then the user's.
const SESSION_ENTRIES = Object.entries(SESSION_COLUMNS);
const USERNAME_AT = SESSION_ENTRIES.length;

function selectSession(db: Db) {
  return db
    .select({ session: SESSION_COLUMNS, user: USER_FIELDS })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder("id")));
}

/**
 * The lookup for `db`. `file` is the absolute path of the same database when it is a local
 * file (null for remote or in-memory databases, which keep the Drizzle path).
 */
export function openSessionLookup(db: Db, file: string | null, busyTimeoutMs: number): OpenedSessionLookup {
  return file ? openNativeLookup(db, file, busyTimeoutMs) : openDrizzleLookup(db);
}

function openDrizzleLookup(db: Db): OpenedSessionLookup {
  const prepared = selectSession(db).limit(1).prepare();
  return {
    lookup: async (id) => {
      const [row] = await prepared.execute({ id });
      if (!row) return null;
      const { username, createdAt, locked } = row.user;
      return { session: row.session, user: { id: row.session.userId, username, createdAt }, userLocked: locked };
    },
    close: () => {},
  };
}

function openNativeLookup(db: Db, file: string, busyTimeoutMs: number): OpenedSessionLookup {
  const query = selectSession(db).toSQL();
  // The statement takes the session id and nothing else (the id is the primary key: one row).
  if (query.params.length !== 1) throw new Error(`session lookup: expected one parameter, got ${query.params.length}`);
  const native = openReadOnlyConnection(file, busyTimeoutMs);
  const statement = native.prepare(query.sql).raw(true);
  return {
    lookup: async (id) => {
      const values = statement.get(id) as unknown[] | undefined;
      if (!values) return null;
      const session: Record<string, unknown> = {};
      for (let i = 0; i < SESSION_ENTRIES.length; i++) {
        const [key, column] = SESSION_ENTRIES[i]!;
        session[key] = values[i] === null ? null : column.mapFromDriverValue(values[i]);
      }
      const row = session as SessionLookupRow["session"];
      const user = { id: row.userId, username: values[USERNAME_AT] as string, createdAt: values[USERNAME_AT + 1] as number };
      return { session: row, user, userLocked: users.locked.mapFromDriverValue(values[USERNAME_AT + 2] as number) === true };
    },
    close: () => native.close(),
  };
}

/**
 * A second connection to the database file (WAL: readers never wait for the writer). It only
 * reads: query_only makes any write through it an error rather than a silent second writer.
 */
export function openReadOnlyConnection(file: string, busyTimeoutMs: number): Database.Database {
  const native = new Database(file, { timeout: busyTimeoutMs });
  native.pragma("query_only = ON");
  return native;
}
