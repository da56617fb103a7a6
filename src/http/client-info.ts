// Sets c.var.client (ip and user agent) for the handlers.
import type { MiddlewareHandler } from "hono";
import { readClientInfo } from "../lib/request-client.ts";
import type { AppEnv } from "./env.ts";

/** Sets c.var.client for the handlers. */
export function identifyClient(trustedProxies: ReadonlySet<string>): MiddlewareHandler<AppEnv> {
  return async function identifyClient(c, next) {
    c.set("client", readClientInfo(c.req.raw, c.env.server, trustedProxies));
    await next();
  };
}
