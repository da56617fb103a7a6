// Sessions: created on sign-in, validated from the cookie, ended by logout or revocation.
import { and, desc, eq, lt, ne, or } from "drizzle-orm";
import { sessions, users } from "../db/schema.ts";
import { equalsConstantTime, generateId, generateSecret, hashSecret } from "../lib/tokens.ts";
import type { AuthContext, ClientInfo, PublicUser } from "./context.ts";

export interface SessionInfo {
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  /** When the session ends if nothing happens: the earlier of idle and absolute expiry. */
  expiresAt: number;
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
    secretHash: await hashSecret(secret),
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

/** The session and user for a cookie token, or null when malformed, unknown, wrong or expired. */
export async function validateSessionToken(ctx: AuthContext, token: string): Promise<ValidSession | null> {
  const [id, secret, extra] = token.split(".");
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 128) return null;
  const rows = await ctx.db
    .select({ session: sessions, user: { id: users.id, username: users.username, createdAt: users.createdAt, locked: users.locked } })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  const found = rows[0];
  if (!found) return null;
  // SES-1: compare hashes in constant time, so timing reveals nothing about the secret.
  if (!equalsConstantTime(found.session.secretHash, await hashSecret(secret))) return null;
  const now = Date.now();
  const info = toSessionInfo(ctx, found.session);
  if (info.expiresAt <= now || found.user.locked) {
    await invalidateSession(ctx, id);
    return null;
  }
  const { locked: _locked, ...user } = found.user;
  return { session: await touchSession(ctx, found.session, info, now), user };
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

/** Deletes one session; returns whether it existed. */
export async function invalidateSession(ctx: AuthContext, sessionId: string): Promise<boolean> {
  const deleted = await ctx.db.delete(sessions).where(eq(sessions.id, sessionId)).returning({ id: sessions.id });
  return deleted.length > 0;
}

/** Deletes every session of a user, except `keepSessionId` if given; returns the deleted ids. */
export async function invalidateUserSessions(ctx: AuthContext, userId: string, keepSessionId?: string): Promise<string[]> {
  const condition = keepSessionId
    ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId))
    : eq(sessions.userId, userId);
  const deleted = await ctx.db.delete(sessions).where(condition).returning({ id: sessions.id });
  return deleted.map((row) => row.id);
}

/** The user's live sessions, most recently used first. */
export async function listUserSessions(ctx: AuthContext, userId: string): Promise<SessionInfo[]> {
  const rows = await ctx.db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.lastSeenAt));
  const now = Date.now();
  return rows.map((row) => toSessionInfo(ctx, row)).filter((session) => session.expiresAt > now);
}

/** Deletes sessions past their idle or absolute limit; returns how many. */
export async function deleteExpiredSessions(ctx: AuthContext, now = Date.now()): Promise<number> {
  const deleted = await ctx.db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, now - ctx.sessionIdleMs)))
    .returning({ id: sessions.id });
  return deleted.length;
}

function toSessionInfo(ctx: AuthContext, row: SessionRow): SessionInfo {
  return {
    id: row.id,
    userId: row.userId,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: Math.min(row.expiresAt, row.lastSeenAt + ctx.sessionIdleMs),
    ip: row.ip,
    userAgent: row.userAgent,
  };
}
