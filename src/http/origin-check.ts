// CSRF defence: a state-changing request must come from an allowed origin.
import type { MiddlewareHandler } from "hono";
import { isAllowedOrigin } from "../lib/origin.ts";
import type { AppEnv } from "./env.ts";
import { errorResponse } from "./errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses (403) any non-GET request whose Origin header is missing or not allowed. SameSite=Lax
 * already stops most cross-site posts; this also stops same-site subdomains and old browsers.
 */
export function checkOrigin(allowedOrigins: () => ReadonlySet<string>): MiddlewareHandler<AppEnv> {
  return async function checkOrigin(c, next) {
    if (!SAFE_METHODS.has(c.req.method) && !isAllowedOrigin(c.req.header("origin"), allowedOrigins())) {
      return errorResponse(c, 403, "forbidden_origin", "This request must come from an allowed origin.");
    }
    await next();
  };
}
