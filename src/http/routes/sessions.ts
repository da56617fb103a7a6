// Session management: list, revoke one, sign out everywhere, change password (SES-6).
import { Hono } from "hono";
import { z } from "zod";
import { recordAuthEvent } from "../../auth/events.ts";
import { changePassword } from "../../auth/password-change.ts";
import {
  findUserSessionByPublicId,
  invalidateSession,
  invalidateUserSessions,
  listUserSessions,
  toPublicSessionId,
} from "../../auth/sessions.ts";
import { clearSessionCookie, setSessionCookie } from "../cookies.ts";
import type { HttpDeps } from "../deps.ts";
import type { AppEnv } from "../env.ts";
import { errorResponse } from "../errors.ts";
import { readJsonBody } from "../json-body.ts";
import { requireUser } from "../session.ts";

const passwordChangeSchema = z.object({
  currentPassword: z.string().max(1024),
  newPassword: z.string().max(1024),
});

/** The signed-in user's session routes; each one requires a session (guarded per route, so
 * that mounting this group under /auth does not guard its neighbours). */
export function createSessionRoutes(deps: HttpDeps) {
  const { auth } = deps;
  return new Hono<AppEnv>()
    .get("/sessions", requireUser(), async (c) => {
      const current = c.var.session!.id;
      const sessions = await listUserSessions(auth, c.var.user!.id);
      const view = sessions.map((session) => ({
        id: toPublicSessionId(session.id),
        current: session.id === current,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        ip: session.ip,
        userAgent: session.userAgent,
      }));
      return c.json({ sessions: view });
    })
    .delete("/sessions/:id", requireUser(), async (c) => {
      const user = c.var.user!;
      const session = await findUserSessionByPublicId(auth, user.id, c.req.param("id"));
      // Another user's session and no session at all look the same: 404, nothing changed.
      if (!session) return errorResponse(c, 404, "not_found", "No such session.");
      const isCurrent = session.id === c.var.session!.id;
      const reason = isCurrent ? "logout" : "revoked";
      await invalidateSession(auth, session.id, reason);
      await recordAuthEvent(auth, { type: isCurrent ? "logout" : "session_revoked", userId: user.id, client: c.var.client });
      deps.onSessionsEnded([session.id], reason);
      if (isCurrent) clearSessionCookie(c);
      return c.body(null, 204);
    })
    .post("/logout-all", requireUser(), async (c) => {
      const user = c.var.user!;
      const ended = await invalidateUserSessions(auth, user.id, "logout");
      await recordAuthEvent(auth, { type: "logout", userId: user.id, client: c.var.client, detail: { everywhere: true, ended: ended.length } });
      deps.onSessionsEnded(ended, "logout");
      clearSessionCookie(c);
      return c.body(null, 204);
    })
    .post("/password", requireUser(), async (c) => {
      const body = await readJsonBody(c, passwordChangeSchema);
      if (!body) return errorResponse(c, 400, "bad_request", 'Send JSON: {"currentPassword": "...", "newPassword": "..."}.');
      const current = c.var.session!;
      const result = await changePassword(auth, c.var.user!.id, current.id, body.currentPassword, body.newPassword, c.var.client);
      if (!result.ok) return errorResponse(c, result.code === "invalid_credentials" ? 403 : 400, result.code, result.message);
      deps.onSessionsEnded(result.endedSessionIds, "revoked");
      deps.onSessionRotated(current.id, result.session);
      setSessionCookie(c, result.token, Math.floor(auth.sessionAbsoluteMs / 1000));
      return c.body(null, 204);
    });
}
