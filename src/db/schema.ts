// The tables: users, sessions, one-time tokens, the audit log and throttle state.
// Times are integers in milliseconds since the epoch (column names end in _at).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  // NFKC + case-folded, so "Alice" and "ＡＬＩＣＥ" are one account.
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  createdAt: integer("created_at").notNull(),
  passwordChangedAt: integer("password_changed_at").notNull(),
  locked: integer("locked", { mode: "boolean" }).notNull().default(false),
});

export const sessions = sqliteTable(
  "sessions",
  {
    // Public id: safe to show in the session list and to revoke by.
    id: text("id").primaryKey(),
    // SHA-256 of the secret half of the cookie; the row alone cannot become a cookie (SES-1).
    secretHash: text("secret_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    // Absolute end of life; the idle limit is last_seen_at + idle timeout.
    expiresAt: integer("expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (table) => [index("sessions_user_id_idx").on(table.userId)],
);

export const oneTimeTokens = sqliteTable(
  "one_time_tokens",
  {
    // SHA-256 of the token; the token itself is never stored (TIX-1).
    tokenHash: text("token_hash").primaryKey(),
    purpose: text("purpose", { enum: ["login"] }).notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    socketId: text("socket_id"),
    instanceId: text("instance_id"),
    // PKCE S256 challenge: base64url(SHA-256(verifier)) (TIX-2).
    challenge: text("challenge"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    redeemedAt: integer("redeemed_at"),
    redeemedSessionId: text("redeemed_session_id"),
  },
  (table) => [index("one_time_tokens_socket_idx").on(table.socketId), index("one_time_tokens_expires_idx").on(table.expiresAt)],
);

export const authEvents = sqliteTable(
  "auth_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    type: text("type").notNull(),
    // No foreign key: the audit log outlives the accounts it mentions.
    userId: text("user_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: integer("created_at").notNull(),
    // Short JSON detail; never a token, secret or password (AUTH-3).
    detail: text("detail"),
  },
  (table) => [index("auth_events_user_idx").on(table.userId, table.createdAt)],
);

export const throttles = sqliteTable("throttles", {
  // "account:<username>" or "ip:<address>".
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  lastFailureAt: integer("last_failure_at").notNull(),
  blockedUntil: integer("blocked_until").notNull(),
});

// The revocation feed: one row per ended session, read by every instance sharing the database
// so that they close their own sockets of it. Append-only; old rows are purged.
export const revocations = sqliteTable(
  "revocations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: text("session_id").notNull(),
    userId: text("user_id").notNull(),
    // logout | revoked | expired | rotated
    reason: text("reason").notNull(),
    // For "rotated": the session that replaces it (its sockets move there instead of closing).
    replacedBy: text("replaced_by"),
    // A socket that moves to a new session instead of closing (the one that asked for a ticket).
    exceptSocketId: text("except_socket_id"),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("revocations_created_idx").on(table.createdAt)],
);
