// One JSON log line per request: method, path, status, time, client ip. Never headers or bodies.
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../lib/log.ts";
import type { AppEnv } from "./env.ts";

/** Logs each request after it is answered. */
export function logRequests(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function logRequests(c, next) {
    const started = performance.now();
    await next();
    logger.info({
      event: "http",
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ip: c.var.client?.ip ?? null,
    });
  };
}
