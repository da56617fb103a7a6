// Loading the session never rejects; requiring a user is a separate guard (as PocketBase does).
import type { MiddlewareHandler } from "hono";
import type { AuthContext } from "../auth/context.ts";
import { validateSessionToken } from "../auth/sessions.ts";
import { clearSessionCookie, readSessionCookie } from "./cookies.ts";
import type { AppEnv } from "./env.ts";
import { errorResponse } from "./errors.ts";

/** Sets c.var.user and c.var.session from a valid cookie; clears a dead cookie. */
export function loadSession(auth: AuthContext): MiddlewareHandler<AppEnv> {
  return async function loadSession(c, next) {
    c.set("user", null);
    c.set("session", null);
    const token = readSessionCookie(c);
    if (token) {
      const valid = await validateSessionToken(auth, token);
      if (valid) {
        c.set("user", valid.user);
        c.set("session", valid.session);
      } else {
        clearSessionCookie(c);
      }
    }
    await next();
  };
}

/** Answers 401 unless loadSession found a signed-in user. */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async function requireUser(c, next) {
    if (!c.var.user || !c.var.session) {
      return errorResponse(c, 401, "unauthenticated", "Sign in first.");
    }
    await next();
  };
}
