// The audit log (AUTH-3): append-only, never a token, secret or password.
import { desc, eq } from "drizzle-orm";
import { authEvents } from "../db/schema.ts";
import type { AuthContext, ClientInfo } from "./context.ts";

export type AuthEventType =
  | "register"
  | "login"
  | "login_failed"
  | "logout"
  | "session_revoked"
  | "password_changed"
  | "ticket_refused";

export interface AuthEventInput {
  type: AuthEventType;
  userId?: string | null;
  client: ClientInfo;
  detail?: Record<string, string | number | boolean>;
}

/** Appends one event to the audit log. */
export async function recordAuthEvent(ctx: AuthContext, event: AuthEventInput): Promise<void> {
  await ctx.db.insert(authEvents).values({
    type: event.type,
    userId: event.userId ?? null,
    ip: event.client.ip,
    userAgent: event.client.userAgent,
    createdAt: Date.now(),
    detail: event.detail ? JSON.stringify(event.detail) : null,
  });
}

/** The newest events of one user, newest first. */
export async function listUserEvents(ctx: AuthContext, userId: string, limit: number) {
  return ctx.db
    .select()
    .from(authEvents)
    .where(eq(authEvents.userId, userId))
    .orderBy(desc(authEvents.createdAt), desc(authEvents.id))
    .limit(limit);
}
