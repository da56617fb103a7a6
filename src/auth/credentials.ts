// Checking a username and password: one answer and one cost for every kind of failure, and
// throttled before any hashing (AUTH-1, AUTH-2).
import { and, eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { generateSecret } from "../lib/tokens.ts";
import type { AuthContext, ClientInfo, PublicUser } from "./context.ts";
import { recordAuthEvent } from "./events.ts";
import { hashPassword, needsRehash, verifyPasswordHash } from "./password.ts";
import { clearThrottle, readThrottle, recordThrottleFailure, throttleKeys } from "./throttle.ts";
import { findUserByUsername, toPublicUser } from "./users.ts";
import { normalizeUsername } from "./username.ts";

export type CredentialsResult =
  | { ok: true; user: PublicUser }
  | { ok: false; code: "invalid_credentials" }
  | { ok: false; code: "throttled"; retryAfterSeconds: number };

// AUTH-1: unknown users are checked against this hash so that they cost as much as a wrong
// password. Made once per process from a random password nobody knows.
let dummyHash: Promise<string> | null = null;
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(generateSecret());
  return dummyHash;
}

/** Checks a sign-in: the user, or one generic failure (unknown, wrong, locked), or throttled. */
export async function verifyCredentials(
  ctx: AuthContext,
  rawUsername: string,
  password: string,
  client: ClientInfo,
): Promise<CredentialsResult> {
  const username = normalizeUsername(rawUsername);
  // Names that cannot exist are throttled too, under a bounded form of what was typed.
  const accountKey = throttleKeys.account(username ?? rawUsername.slice(0, 64).toLowerCase());
  const ipKey = client.ip ? throttleKeys.ip(client.ip) : null;
  const retryAfterSeconds = await readThrottle(ctx, ipKey ? [accountKey, ipKey] : [accountKey]);
  if (retryAfterSeconds !== null) return { ok: false, code: "throttled", retryAfterSeconds };

  const user = username === null ? null : await findUserByUsername(ctx, username);
  const hash = user?.passwordHash ?? (await getDummyHash());
  const valid = await verifyPasswordHash(hash, password);
  if (!user || !valid || user.locked) {
    await recordThrottleFailure(ctx, accountKey, ctx.throttle.account);
    if (ipKey) await recordThrottleFailure(ctx, ipKey, ctx.throttle.ip);
    // The user id (when the name exists) lets the owner see failed attempts on their account.
    await recordAuthEvent(ctx, { type: "login_failed", userId: user?.id ?? null, client });
    return { ok: false, code: "invalid_credentials" };
  }
  await clearThrottle(ctx, accountKey);
  if (needsRehash(user.passwordHash)) {
    // PW-1: upgrade old hashes while we hold the plain password; only if unchanged meanwhile.
    const upgraded = await hashPassword(password);
    await ctx.db
      .update(users)
      .set({ passwordHash: upgraded })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
  }
  return { ok: true, user: toPublicUser(user) };
}

/** Starts computing the dummy hash now, so the first unknown-user sign-in is not faster. */
export function warmUpCredentials(): Promise<unknown> {
  return getDummyHash();
}
