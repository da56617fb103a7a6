// The Hono app: middleware in order, then every group of routes. One place wires them all.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { identifyClient } from "./client-info.ts";
import type { HttpDeps } from "./deps.ts";
import type { AppEnv } from "./env.ts";
import { errorResponse } from "./errors.ts";
import { checkOrigin } from "./origin-check.ts";
import { logRequests } from "./request-log.ts";
import { createAuthRoutes } from "./routes/auth.ts";
import { createEventRoutes } from "./routes/events.ts";
import { createPageRoutes } from "./routes/pages.ts";
import { createSessionRoutes } from "./routes/sessions.ts";
import { createTicketRoutes } from "./routes/ticket.ts";
import { latchSecureHeaders } from "./security-headers.ts";
import { loadSession } from "./session.ts";

// Auth requests are a few hundred bytes; anything far bigger is refused before it is read.
const MAX_BODY_BYTES = 16 * 1024;

/** Builds the HTTP app; the Bun server is passed per request as `env.server`. */
export function createApp(deps: HttpDeps) {
  const app = new Hono<AppEnv>();
  app.use(identifyClient(deps.trustedProxies));
  app.use(logRequests(deps.logger));
  app.use(latchSecureHeaders());
  app.use(checkOrigin(deps.allowedOrigins));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => errorResponse(c, 413, "body_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`),
    }),
  );
  app.use(loadSession(deps.auth));

  app.get("/healthz", (c) => c.json({ ok: true }));
  app.route("/", createPageRoutes());
  app.route("/auth", createAuthRoutes(deps));
  app.route("/auth", createTicketRoutes(deps));
  app.route("/auth", createSessionRoutes(deps));
  app.route("/auth", createEventRoutes(deps));

  app.notFound((c) => errorResponse(c, 404, "not_found", "No such route."));
  app.onError((error, c) => {
    deps.logger.error({ event: "http_error", path: c.req.path, err: error });
    return errorResponse(c, 500, "internal_error", "Something went wrong on our side.");
  });
  return app;
}
