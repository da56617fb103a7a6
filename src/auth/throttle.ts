// Sign-in and registration throttling (AUTH-2): failures per key grow a back-off; the state
// lives in the database, so it survives restarts and is shared by every instance.
import { and, gt, inArray, sql } from "drizzle-orm";
import { throttles } from "../db/schema.ts";

import type { AuthContext } from "./context.ts";

export interface ThrottlePolicy {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  /** The longest wait: keeps a lock-out from being a way to lock a victim out for long. */
  maxDelayMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
}

export interface ThrottlePolicies {
  account: ThrottlePolicy;
  ip: ThrottlePolicy;
  register: ThrottlePolicy;
}

/** The policies, from the free allowances in the configuration (the rest is fixed, see docs/security.md). */
export function makeThrottlePolicies(free: { accountFailures: number; ipFailures: number; registrationsPerHour: number }): ThrottlePolicies {
  return {
    // Per account: a few typos are free, then 1 s, 2 s, 4 s ... capped at one minute. An attacker
    // gets about 60 guesses an hour per account at most, while the owner is never locked out
    // for more than a minute.
    account: { freeFailures: free.accountFailures, baseDelayMs: 1000, maxDelayMs: 60_000, windowMs: 24 * 3600_000 },
    // Per client IP, across accounts: room for a shared NAT, then up to 15 minutes.
    ip: { freeFailures: free.ipFailures, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, windowMs: 24 * 3600_000 },
    // Registrations per IP: every registration counts, and the one that uses up the hourly
    // allowance sets the first wait (so the count of free ones is one less).
    register: { freeFailures: free.registrationsPerHour - 1, baseDelayMs: 60_000, maxDelayMs: 3600_000, windowMs: 3600_000 },
  };
}

/** Throttle keys: one namespace per kind, so an account named like an ip cannot collide. */
export const throttleKeys = {
  account: (normalizedUsername: string) => `account:${normalizedUsername}`,
  ip: (ip: string) => `ip:${ip}`,
  register: (ip: string) => `register:${ip}`,
};

/** Seconds until the longest block among `keys` ends, or null when none is blocked. */
export async function readThrottle(ctx: AuthContext, keys: string[], now = Date.now()): Promise<number | null> {
  if (keys.length === 0) return null;
  const rows = await ctx.db
    .select({ blockedUntil: throttles.blockedUntil })
    .from(throttles)
    .where(and(inArray(throttles.key, keys), gt(throttles.blockedUntil, now)));
  if (rows.length === 0) return null;
  const until = Math.max(...rows.map((row) => row.blockedUntil));
  return Math.max(1, Math.ceil((until - now) / 1000));
}

/** Counts one failure against `key` and sets its block, in one statement (safe across instances). */
export async function recordThrottleFailure(ctx: AuthContext, key: string, policy: ThrottlePolicy, now = Date.now()): Promise<void> {
  const fresh = sql`${throttles.lastFailureAt} < ${now - policy.windowMs}`;
  const failures = sql`CASE WHEN ${fresh} THEN 1 ELSE ${throttles.failures} + 1 END`;
  // Past the free failures, wait base * 2^(extra - 1), capped; the exponent is capped too.
  const delay = sql`CASE WHEN ${failures} > ${policy.freeFailures}
    THEN min(${policy.maxDelayMs}, ${policy.baseDelayMs} * (1 << min(30, ${failures} - ${policy.freeFailures} - 1)))
    ELSE 0 END`;
  const firstDelay = policy.freeFailures === 0 ? policy.baseDelayMs : 0;
  await ctx.db
    .insert(throttles)
    .values({ key, failures: 1, lastFailureAt: now, blockedUntil: firstDelay ? now + firstDelay : 0 })
    .onConflictDoUpdate({
      target: throttles.key,
      set: { failures, lastFailureAt: now, blockedUntil: sql`${now} + ${delay}` },
    });
}

/** Forgets the failures of `key` (after a successful sign-in to that account). */
export async function clearThrottle(ctx: AuthContext, key: string): Promise<void> {
  await ctx.db.delete(throttles).where(inArray(throttles.key, [key]));
}
