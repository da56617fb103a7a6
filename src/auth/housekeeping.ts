// Periodic clean-up: expired sessions and tickets, and feed rows every instance has read.
import type { AuthContext } from "./context.ts";
import { purgeRevocations } from "./revocations.ts";
import { deleteExpiredSessions } from "./sessions.ts";
import { deleteExpiredTickets } from "./tickets.ts";

// Instances read the feed every half second; an hour of history covers any pause but a dead
// process, and the full re-check covers even that.
const REVOCATION_RETENTION_MS = 60 * 60 * 1000;

/** Deletes what has outlived its use; returns the counts for the log. */
export async function deleteExpiredRecords(ctx: AuthContext, now = Date.now()) {
  return {
    sessions: await deleteExpiredSessions(ctx, now),
    tickets: await deleteExpiredTickets(ctx, now),
    revocations: await purgeRevocations(ctx, now - REVOCATION_RETENTION_MS),
  };
}
