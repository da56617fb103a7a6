// GET /auth/events: a user's own recent security events (AUTH-3).
import { Hono } from "hono";
import { listUserEvents } from "../../auth/events.ts";
import type { HttpDeps } from "../deps.ts";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../session.ts";

const EVENTS_SHOWN = 50;

/** The signed-in user's audit events, newest first. */
export function createEventRoutes(deps: HttpDeps) {
  return new Hono<AppEnv>().get("/events", requireUser(), async (c) => {
    const rows = await listUserEvents(deps.auth, c.var.user!.id, EVENTS_SHOWN);
    const events = rows.map((row) => ({
      type: row.type,
      at: row.createdAt,
      ip: row.ip,
      userAgent: row.userAgent,
      detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
    }));
    return c.json({ events });
  });
}
