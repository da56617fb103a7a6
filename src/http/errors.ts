// The one error shape of the API: {"error":{"code","message"}}.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A JSON error response with the API's single error shape. */
export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

/** 429 with Retry-After and `retry_after` (seconds) in the error body (AUTH-2). */
export function throttledResponse(c: Context, retryAfterSeconds: number): Response {
  c.header("Retry-After", String(retryAfterSeconds));
  return c.json(
    { error: { code: "throttled", message: `Too many attempts; try again in ${retryAfterSeconds} s.`, retry_after: retryAfterSeconds } },
    429,
  );
}
