// Changing a password: proves the current one, ends every other session, rotates this one.
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import type { AuthContext, AuthFailure, ClientInfo } from "./context.ts";
import { recordAuthEvent } from "./events.ts";
import { checkPasswordPolicy, hashPassword, verifyPasswordHash } from "./password.ts";
import { createSession, invalidateSession, invalidateUserSessions, type SessionInfo } from "./sessions.ts";

export type PasswordChangeResult =
  | { ok: true; session: SessionInfo; token: string; endedSessionIds: string[] }
  | ({ ok: false } & AuthFailure);

const WRONG_PASSWORD: AuthFailure = { code: "invalid_credentials", message: "The current password is wrong." };

/** Sets a new password for the user of `sessionId` (SES-3, SES-6). */
export async function changePassword(
  ctx: AuthContext,
  userId: string,
  sessionId: string,
  currentPassword: string,
  newPassword: string,
  client: ClientInfo,
): Promise<PasswordChangeResult> {
  const rows = await ctx.db.select().from(users).where(eq(users.id, userId)).limit(1);
  const user = rows[0];
  if (!user) throw new Error("changePassword: the session's user must exist");
  if (!(await verifyPasswordHash(user.passwordHash, currentPassword))) {
    await recordAuthEvent(ctx, { type: "login_failed", userId, client, detail: { during: "password_change" } });
    return { ok: false, ...WRONG_PASSWORD };
  }
  const policyFailure = checkPasswordPolicy(newPassword, user.username, ctx.passwordMinLength);
  if (policyFailure) return { ok: false, ...policyFailure };

  const now = Date.now();
  await ctx.db.update(users).set({ passwordHash: await hashPassword(newPassword), passwordChangedAt: now }).where(eq(users.id, userId));
  // Everyone else signed in as this user is out: a thief with an old cookie loses it here.
  const endedSessionIds = await invalidateUserSessions(ctx, userId, "revoked", sessionId);
  // This browser gets a fresh session id; its sockets follow it instead of closing.
  const { session, token } = await createSession(ctx, userId, client);
  await invalidateSession(ctx, sessionId, "rotated", { replacedBy: session.id });
  await recordAuthEvent(ctx, { type: "password_changed", userId, client, detail: { ended: endedSessionIds.length } });
  return { ok: true, session, token, endedSessionIds };
}
