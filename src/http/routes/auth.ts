// Account routes: register, login, logout, me.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { verifyCredentials } from "../../auth/credentials.ts";
import { recordAuthEvent } from "../../auth/events.ts";
import { invalidateSession } from "../../auth/sessions.ts";
import { startSession } from "../../auth/sign-in.ts";
import { registerUser } from "../../auth/users.ts";
import type { PublicUser } from "../../auth/context.ts";
import { clearSessionCookie, setSessionCookie } from "../cookies.ts";
import type { HttpDeps } from "../deps.ts";
import type { AppEnv } from "../env.ts";
import { errorResponse, throttledResponse } from "../errors.ts";
import { readJsonBody } from "../json-body.ts";
import { requireUser } from "../session.ts";

const credentialsSchema = z.object({
  username: z.string().max(256),
  password: z.string().max(1024),
});

const BAD_BODY = ["bad_request", 'Send JSON: {"username": "...", "password": "..."}.'] as const;
// AUTH-1: one answer whether the user is unknown or the password wrong.
const BAD_CREDENTIALS = ["invalid_credentials", "Wrong username or password."] as const;

/** The /auth routes that need no ticket: register, login, logout, me. */
export function createAuthRoutes(deps: HttpDeps) {
  const { auth } = deps;

  // Signs the browser in as `user`: a fresh session, the old one deleted, the cookie set.
  async function signIn(c: Context<AppEnv>, user: PublicUser, status: 200 | 201) {
    const started = await startSession(auth, user.id, c.var.client, c.var.session?.id ?? null);
    if (started.replacedSessionId) deps.onSessionsEnded([started.replacedSessionId], "logout");
    setSessionCookie(c, started.token, Math.floor(auth.sessionAbsoluteMs / 1000));
    return c.json({ user }, status);
  }

  return new Hono<AppEnv>()
    .post("/register", async (c) => {
      const body = await readJsonBody(c, credentialsSchema);
      if (!body) return errorResponse(c, 400, ...BAD_BODY);
      const result = await registerUser(auth, body.username, body.password, c.var.client);
      if (!result.ok && "retryAfterSeconds" in result) return throttledResponse(c, result.retryAfterSeconds);
      if (!result.ok) return errorResponse(c, result.code === "username_taken" ? 409 : 400, result.code, result.message);
      return signIn(c, result.user, 201);
    })
    .post("/login", async (c) => {
      const body = await readJsonBody(c, credentialsSchema);
      if (!body) return errorResponse(c, 400, ...BAD_BODY);
      const result = await verifyCredentials(auth, body.username, body.password, c.var.client);
      if (result.ok) return signIn(c, result.user, 200);
      if (result.code === "throttled") return throttledResponse(c, result.retryAfterSeconds);
      return errorResponse(c, 401, ...BAD_CREDENTIALS);
    })
    .post("/logout", requireUser(), async (c) => {
      const session = c.var.session!;
      await invalidateSession(auth, session.id, "logout");
      await recordAuthEvent(auth, { type: "logout", userId: session.userId, client: c.var.client });
      deps.onSessionsEnded([session.id], "logout");
      clearSessionCookie(c);
      return c.body(null, 204);
    })
    .get("/me", requireUser(), (c) => c.json({ user: c.var.user }));
}
