// What the HTTP edge is given by main.ts: the domain context and the hooks into the sockets.
import type { AuthContext, SessionEndReason } from "../auth/context.ts";
import type { SessionInfo } from "../auth/sessions.ts";
import type { Logger } from "../lib/log.ts";

export interface HttpDeps {
  auth: AuthContext;
  logger: Logger;
  trustedProxies: ReadonlySet<string>;
  /** The exact origins allowed to send state-changing requests (known once the server listens). */
  allowedOrigins: () => ReadonlySet<string>;
  /**
   * Called after sessions were deleted, so live sockets on them are closed at once (SES-5).
   * `exceptSocketId` names a socket that moves to a new session instead of closing.
   */
  onSessionsEnded: (sessionIds: string[], reason: SessionEndReason, exceptSocketId?: string | null) => void;
  /** Called after a session was rotated to a new id: its sockets follow instead of closing. */
  onSessionRotated: (fromSessionId: string, to: SessionInfo) => void;
}
