// Sessions: created on sign-in, validated from the cookie, ended by logout or revocation.
import { and, desc, eq, inArray, lt, ne, or, sql } from "drizzle-orm";
import { sessions } from "../db/schema.ts";
import { equalsConstantTime, generateId, generateSecret, hashSecret } from "../lib/tokens.ts";
import type { AuthContext, ClientInfo, PublicUser, RevocationReason } from "./context.ts";

export interface SessionInfo {
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  /** When the session ends if nothing happens: the earlier of idle and absolute expiry. */
  expiresAt: number;
  /** When the session ends however active it is. */
  absoluteExpiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface ValidSession {
  session: SessionInfo;
  user: PublicUser;
}

type SessionRow = typeof sessions.$inferSelect;

/** Creates a session for `userId`; returns it and the cookie token `id.secret` (shown once). */
export async function createSession(
  ctx: AuthContext,
  userId: string,
  client: ClientInfo,
): Promise<{ session: SessionInfo; token: string }> {
  const id = generateId();
  const secret = generateSecret();
  const now = Date.now();
  const row: SessionRow = {
    id,
    secretHash: hashSecret(secret),
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + ctx.sessionAbsoluteMs,
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 512) ?? null,
  };
  await ctx.db.insert(sessions).values(row);
  return { session: toSessionInfo(ctx, row), token: `${id}.${secret}` };
}

/**
 * The session and user for a cookie token, or null when malformed, unknown, wrong or expired.
 * `touch: false` leaves last_seen_at to the caller (the socket tracker writes it in batches).
 */
export async function validateSessionToken(
  ctx: AuthContext,
  token: string,
  { touch = true }: { touch?: boolean } = {},
): Promise<ValidSession | null> {
  const [id, secret, extra] = token.split(".");
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 128) return null;
  const found = await ctx.lookupSession(id);
  if (!found) return null;
  // SES-1: compare hashes in constant time, so timing reveals nothing about the secret.
  if (!equalsConstantTime(found.session.secretHash, hashSecret(secret))) return null;
  const now = Date.now();
  const info = toSessionInfo(ctx, found.session);
  if (info.expiresAt <= now || found.userLocked) {
    await invalidateSession(ctx, id, "expired");
    return null;
  }
  return { session: touch ? await touchSession(ctx, found.session, info, now) : info, user: found.user };
}

/** The session by public id if it is still valid (no secret needed: for already-trusted callers). */
export async function findSession(ctx: AuthContext, id: string): Promise<SessionInfo | null> {
  const rows = await ctx.db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
  const row = rows[0];
  if (!row) return null;
  const info = toSessionInfo(ctx, row);
  return info.expiresAt > Date.now() ? info : null;
}

/** Records activity on a session; writes only when enough time has passed since the last write. */
async function touchSession(ctx: AuthContext, row: SessionRow, info: SessionInfo, now = Date.now()): Promise<SessionInfo> {
  // Sliding idle expiry without a write per request: move last_seen_at only after a slice of
  // the idle window has gone by (at most a minute), as Lucia's guide does.
  if (now - row.lastSeenAt < Math.min(60_000, ctx.sessionIdleMs / 10)) return info;
  await ctx.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.id));
  return toSessionInfo(ctx, { ...row, lastSeenAt: now });
}

/**
 * Deletes one session and appends it to the revocation feed in the same transaction, so every
 * instance closes its sockets (SES-5). `exceptSocketId` keeps one socket open (it moves on).
 * Returns whether the session existed.
 */
export async function invalidateSession(
  ctx: AuthContext,
  sessionId: string,
  reason: RevocationReason,
  options: { exceptSocketId?: string | null; replacedBy?: string | null } = {},
): Promise<boolean> {
  const [, deleted] = await ctx.db.batch([
    ctx.db.run(sql`INSERT INTO revocations (session_id, user_id, reason, replaced_by, except_socket_id, created_at)
      SELECT id, user_id, ${reason}, ${options.replacedBy ?? null}, ${options.exceptSocketId ?? null}, ${Date.now()}
      FROM sessions WHERE id = ${sessionId}`),
    ctx.db.delete(sessions).where(eq(sessions.id, sessionId)).returning({ id: sessions.id }),
  ]);
  return deleted.length > 0;
}

/** Deletes every session of a user except `keepSessionId`, feeding the revocations; returns the ids. */
export async function invalidateUserSessions(
  ctx: AuthContext,
  userId: string,
  reason: RevocationReason,
  keepSessionId: string | null = null,
): Promise<string[]> {
  const keep = keepSessionId ?? "";
  const [, deleted] = await ctx.db.batch([
    ctx.db.run(sql`INSERT INTO revocations (session_id, user_id, reason, created_at)
      SELECT id, user_id, ${reason}, ${Date.now()} FROM sessions WHERE user_id = ${userId} AND id != ${keep}`),
    ctx.db
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), ne(sessions.id, keep)))
      .returning({ id: sessions.id }),
  ]);
  return deleted.map((row) => row.id);
}

/** Live sessions among `ids` (missing or expired ones are left out). */
export async function findSessionsByIds(ctx: AuthContext, ids: string[]): Promise<SessionInfo[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.select().from(sessions).where(inArray(sessions.id, ids));
  const now = Date.now();
  return rows.map((row) => toSessionInfo(ctx, row)).filter((session) => session.expiresAt > now);
}

/** Writes socket activity as last_seen_at, many sessions in one transaction; never moves it back. */
export async function recordSessionActivity(ctx: AuthContext, lastSeen: ReadonlyMap<string, number>): Promise<void> {
  if (lastSeen.size === 0) return;
  const updates = [...lastSeen].map(([id, at]) =>
    ctx.db.update(sessions).set({ lastSeenAt: sql`max(${sessions.lastSeenAt}, ${at})` }).where(eq(sessions.id, id)),
  );
  await ctx.db.batch(updates as [(typeof updates)[number], ...typeof updates]);
}

/**
 * The id shown in the session list and used to revoke: derived from the session id by a hash,
 * so the lookup half of the cookie never appears in a page, a URL or a log (WS-5).
 */
export function toPublicSessionId(sessionId: string): string {
  return hashSecret(`public-session-id:${sessionId}`).slice(0, 32);
}

/** One of the user's own live sessions by its public id, or null (never another user's). */
export async function findUserSessionByPublicId(ctx: AuthContext, userId: string, publicId: string): Promise<SessionInfo | null> {
  for (const session of await listUserSessions(ctx, userId)) {
    if (toPublicSessionId(session.id) === publicId) return session;
  }
  return null;
}

/** The user's live sessions, most recently used first. */
export async function listUserSessions(ctx: AuthContext, userId: string): Promise<SessionInfo[]> {
  const rows = await ctx.db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.lastSeenAt));
  const now = Date.now();
  return rows.map((row) => toSessionInfo(ctx, row)).filter((session) => session.expiresAt > now);
}

/** Deletes sessions past their idle or absolute limit, feeding the revocations; returns how many. */
export async function deleteExpiredSessions(ctx: AuthContext, now = Date.now()): Promise<number> {
  const expired = or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, now - ctx.sessionIdleMs));
  const [, deleted] = await ctx.db.batch([
    ctx.db.run(sql`INSERT INTO revocations (session_id, user_id, reason, created_at)
      SELECT id, user_id, 'expired', ${now} FROM sessions WHERE ${expired}`),
    ctx.db.delete(sessions).where(expired).returning({ id: sessions.id }),
  ]);
  return deleted.length;
}

function toSessionInfo(ctx: AuthContext, row: SessionRow): SessionInfo {
  return {
    id: row.id,
    userId: row.userId,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: Math.min(row.expiresAt, row.lastSeenAt + ctx.sessionIdleMs),
    absoluteExpiresAt: row.expiresAt,
    ip: row.ip,
    userAgent: row.userAgent,
  };
}
