// POST /auth/ticket: the one HTTPS request that turns a socket sign-in into a cookie.
import { Hono } from "hono";
import { z } from "zod";
import { redeemLoginTicket } from "../../auth/tickets.ts";
import { setSessionCookie } from "../cookies.ts";
import type { HttpDeps } from "../deps.ts";
import type { AppEnv } from "../env.ts";
import { errorResponse } from "../errors.ts";
import { readJsonBody } from "../json-body.ts";

const ticketSchema = z.object({
  ticket: z.string().min(1).max(128),
  verifier: z.string().min(1).max(128),
});

/** The ticket redemption route. */
export function createTicketRoutes(deps: HttpDeps) {
  return new Hono<AppEnv>().post("/ticket", async (c) => {
    const body = await readJsonBody(c, ticketSchema);
    // TIX-3: one answer for every way a redemption can fail, malformed bodies included.
    const refuse = () => errorResponse(c, 400, "invalid_ticket", "This sign-in link is not valid any more; sign in again.");
    if (!body) return refuse();
    const redeemed = await redeemLoginTicket(deps.auth, body.ticket, body.verifier, c.var.client, c.var.session?.id ?? null);
    if (!redeemed) return refuse();
    // The socket that asked for the ticket moves to the new session at login.complete; the
    // replaced session's other sockets end as on logout (and reconnect with the new cookie).
    if (redeemed.replacedSessionId) deps.onSessionsEnded([redeemed.replacedSessionId], "logout", redeemed.socketId);
    setSessionCookie(c, redeemed.token, Math.floor(deps.auth.sessionAbsoluteMs / 1000));
    return c.body(null, 204);
  });
}
