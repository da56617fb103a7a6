// Reading the revocation feed: how instances sharing a database learn of ended sessions.
import { asc, gt, lt, max } from "drizzle-orm";
import { revocations } from "../db/schema.ts";
import type { AuthContext } from "./context.ts";

export type Revocation = typeof revocations.$inferSelect;

/** Revocations newer than `afterId`, oldest first, at most `limit`. */
export async function readRevocations(ctx: AuthContext, afterId: number, limit: number): Promise<Revocation[]> {
  return ctx.db.select().from(revocations).where(gt(revocations.id, afterId)).orderBy(asc(revocations.id)).limit(limit);
}

/** The newest revocation id (0 for none): where a starting instance begins to read. */
export async function latestRevocationId(ctx: AuthContext): Promise<number> {
  const rows = await ctx.db.select({ id: max(revocations.id) }).from(revocations);
  return rows[0]?.id ?? 0;
}

/** Deletes feed rows older than `before`: every live instance has read them long since. */
export async function purgeRevocations(ctx: AuthContext, before: number): Promise<number> {
  const deleted = await ctx.db.delete(revocations).where(lt(revocations.createdAt, before)).returning({ id: revocations.id });
  return deleted.length;
}
