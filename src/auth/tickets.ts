// One-time login tickets: how a sign-in on a socket becomes a cookie (TIX-1..TIX-3).
import { and, desc, eq, isNotNull, isNull, gt, lt } from "drizzle-orm";
import { oneTimeTokens } from "../db/schema.ts";
import { computePkceChallenge, equalsConstantTime, generateSecret, hashSecret } from "../lib/tokens.ts";
import type { AuthContext, ClientInfo, PublicUser } from "./context.ts";
import { recordAuthEvent } from "./events.ts";
import { findSession, type SessionInfo } from "./sessions.ts";
import { startSession, type StartedSession } from "./sign-in.ts";
import { findUserById } from "./users.ts";

// A PKCE challenge is base64url(SHA-256(...)) without padding: exactly 43 characters.
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** True when `challenge` has the shape of an S256 PKCE challenge. */
export function isPkceChallenge(challenge: string): boolean {
  return CHALLENGE_PATTERN.test(challenge);
}

/** Issues a ticket for `userId`, bound to this socket, this process and the challenge. */
export async function issueLoginTicket(ctx: AuthContext, userId: string, socketId: string, challenge: string): Promise<string> {
  if (!isPkceChallenge(challenge)) throw new Error("issueLoginTicket: challenge must be checked by the caller");
  const ticket = generateSecret();
  const now = Date.now();
  await ctx.db.batch([
    // One outstanding ticket per socket: asking again retires the previous, unredeemed one.
    ctx.db
      .delete(oneTimeTokens)
      .where(and(eq(oneTimeTokens.socketId, socketId), eq(oneTimeTokens.instanceId, ctx.instanceId), isNull(oneTimeTokens.redeemedAt))),
    ctx.db.insert(oneTimeTokens).values({
      tokenHash: hashSecret(ticket),
      purpose: "login",
      userId,
      socketId,
      instanceId: ctx.instanceId,
      challenge,
      createdAt: now,
      expiresAt: now + ctx.ticketTtlMs,
    }),
  ]);
  return ticket;
}

export interface RedeemedTicket extends StartedSession {
  /** The socket that asked for the ticket: it moves to the new session, it is not closed. */
  socketId: string | null;
  instanceId: string | null;
}

/**
 * Consumes a ticket and starts the session it stands for, replacing `previousSessionId`.
 * Null for any unknown, expired, reused or mismatched ticket; each refusal is audited.
 */
export async function redeemLoginTicket(
  ctx: AuthContext,
  ticket: string,
  verifier: string,
  client: ClientInfo,
  previousSessionId: string | null,
): Promise<RedeemedTicket | null> {
  const tokenHash = hashSecret(ticket);
  const now = Date.now();
  // One statement claims the ticket: of two racing redemptions exactly one gets the row back.
  const claimed = await ctx.db
    .update(oneTimeTokens)
    .set({ redeemedAt: now })
    .where(
      and(
        eq(oneTimeTokens.tokenHash, tokenHash),
        eq(oneTimeTokens.purpose, "login"),
        isNull(oneTimeTokens.redeemedAt),
        gt(oneTimeTokens.expiresAt, now),
      ),
    )
    .returning();
  const row = claimed[0];
  if (!row) {
    await refuseTicket(ctx, tokenHash, client);
    return null;
  }
  // The claim above already burned the ticket, so a wrong verifier cannot be retried.
  const expected = row.challenge ?? "";
  if (!equalsConstantTime(expected, computePkceChallenge(verifier))) {
    await recordAuthEvent(ctx, { type: "ticket_refused", userId: row.userId, client, detail: { reason: "wrong_verifier" } });
    return null;
  }
  const started = await startSession(ctx, row.userId, client, previousSessionId, row.socketId);
  await ctx.db.update(oneTimeTokens).set({ redeemedSessionId: started.session.id }).where(eq(oneTimeTokens.tokenHash, tokenHash));
  return { ...started, socketId: row.socketId, instanceId: row.instanceId };
}

/** Binds a socket to the session its redeemed ticket created; null if it has none. Deletes the ticket. */
export async function completeLoginTicket(
  ctx: AuthContext,
  socketId: string,
  client: ClientInfo,
): Promise<{ user: PublicUser; session: SessionInfo } | null> {
  const completed = await ctx.db
    .delete(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.socketId, socketId),
        eq(oneTimeTokens.instanceId, ctx.instanceId),
        isNotNull(oneTimeTokens.redeemedSessionId),
      ),
    )
    .returning();
  const newest = completed.sort((a, b) => (b.redeemedAt ?? 0) - (a.redeemedAt ?? 0))[0];
  const session = newest?.redeemedSessionId ? await findSession(ctx, newest.redeemedSessionId) : null;
  const user = session ? await findUserById(ctx, session.userId) : null;
  if (!session || !user) {
    await recordAuthEvent(ctx, { type: "ticket_refused", userId: newest?.userId ?? null, client, detail: { reason: "not_redeemed" } });
    return null;
  }
  return { user, session };
}

/** Deletes tickets past their lifetime (redeemed or not); returns how many. */
export async function deleteExpiredTickets(ctx: AuthContext, now = Date.now()): Promise<number> {
  const deleted = await ctx.db.delete(oneTimeTokens).where(lt(oneTimeTokens.expiresAt, now)).returning({ hash: oneTimeTokens.tokenHash });
  return deleted.length;
}

// Logs why a claim failed (for the audit log only; the client hears one generic answer).
async function refuseTicket(ctx: AuthContext, tokenHash: string, client: ClientInfo): Promise<void> {
  const rows = await ctx.db.select().from(oneTimeTokens).where(eq(oneTimeTokens.tokenHash, tokenHash)).orderBy(desc(oneTimeTokens.createdAt)).limit(1);
  const row = rows[0];
  const reason = !row ? "unknown" : row.redeemedAt !== null ? "reused" : "expired";
  await recordAuthEvent(ctx, { type: "ticket_refused", userId: row?.userId ?? null, client, detail: { reason } });
}
