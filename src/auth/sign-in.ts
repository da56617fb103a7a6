// The end of every sign-in: a fresh session, and the browser's previous one deleted (SES-3).
import type { AuthContext, ClientInfo } from "./context.ts";
import { recordAuthEvent } from "./events.ts";
import { createSession, invalidateSession, type SessionInfo } from "./sessions.ts";

export interface StartedSession {
  session: SessionInfo;
  /** The cookie value `id.secret`; shown to the browser once, never stored. */
  token: string;
  /** The session this one replaced, already deleted; null when there was none. */
  replacedSessionId: string | null;
}

/**
 * Creates a new session for `userId`, deleting `previousSessionId` (fixation defence). The
 * replaced session's sockets end as on logout, except `exceptSocketId`, which moves on.
 */
export async function startSession(
  ctx: AuthContext,
  userId: string,
  client: ClientInfo,
  previousSessionId: string | null,
  exceptSocketId: string | null = null,
): Promise<StartedSession> {
  const replaced = previousSessionId !== null && (await invalidateSession(ctx, previousSessionId, "logout", { exceptSocketId }));
  const { session, token } = await createSession(ctx, userId, client);
  await recordAuthEvent(ctx, { type: "login", userId, client });
  return { session, token, replacedSessionId: replaced ? previousSessionId : null };
}
