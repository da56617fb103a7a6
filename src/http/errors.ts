// The one error shape of the API: {"error":{"code","message"}}.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A JSON error response with the API's single error shape. */
export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}
