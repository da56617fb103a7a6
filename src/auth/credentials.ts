// Checking a username and password: one answer and one cost for every kind of failure.
import { and, eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { generateSecret } from "../lib/tokens.ts";
import type { AuthContext, ClientInfo, PublicUser } from "./context.ts";
import { recordAuthEvent } from "./events.ts";
import { hashPassword, needsRehash, verifyPasswordHash } from "./password.ts";
import { findUserByUsername, toPublicUser } from "./users.ts";
import { normalizeUsername } from "./username.ts";

// AUTH-1: unknown users are checked against this hash so that they cost as much as a wrong
// password. Made once per process from a random password nobody knows.
let dummyHash: Promise<string> | null = null;
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(generateSecret());
  return dummyHash;
}

/** The user whose password this is, or null: unknown user, wrong password and locked alike. */
export async function verifyCredentials(
  ctx: AuthContext,
  rawUsername: string,
  password: string,
  client: ClientInfo,
): Promise<PublicUser | null> {
  const username = normalizeUsername(rawUsername);
  const user = username === null ? null : await findUserByUsername(ctx, username);
  const hash = user?.passwordHash ?? (await getDummyHash());
  const valid = await verifyPasswordHash(hash, password);
  if (!user || !valid || user.locked) {
    // The user id (when the name exists) lets the owner see failed attempts on their account.
    await recordAuthEvent(ctx, { type: "login_failed", userId: user?.id ?? null, client });
    return null;
  }
  if (needsRehash(user.passwordHash)) {
    // PW-1: upgrade old hashes while we hold the plain password; only if unchanged meanwhile.
    const upgraded = await hashPassword(password);
    await ctx.db
      .update(users)
      .set({ passwordHash: upgraded })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
  }
  return toPublicUser(user);
}

/** Starts computing the dummy hash now, so the first unknown-user sign-in is not faster. */
export function warmUpCredentials(): Promise<unknown> {
  return getDummyHash();
}
