// Accounts: registration and look-up.
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { generateId } from "../lib/tokens.ts";
import type { AuthContext, AuthFailure, ClientInfo, PublicUser } from "./context.ts";
import { recordAuthEvent } from "./events.ts";
import { readThrottle, recordThrottleFailure, throttleKeys } from "./throttle.ts";
import { checkPasswordPolicy, hashPassword } from "./password.ts";
import { normalizeUsername } from "./username.ts";

export type RegisterResult =
  | { ok: true; user: PublicUser }
  | ({ ok: false } & AuthFailure)
  | { ok: false; code: "throttled"; message: string; retryAfterSeconds: number };

const INVALID_USERNAME: AuthFailure = {
  code: "invalid_username",
  message: "Usernames are 3 to 32 letters, digits, '.', '_' or '-'.",
};
const USERNAME_TAKEN: AuthFailure = { code: "username_taken", message: "That username is taken." };

/** Creates an account after checking the username and password policy. */
export async function registerUser(
  ctx: AuthContext,
  rawUsername: string,
  password: string,
  client: ClientInfo,
): Promise<RegisterResult> {
  const registerKey = client.ip ? throttleKeys.register(client.ip) : null;
  const retryAfterSeconds = registerKey ? await readThrottle(ctx, [registerKey]) : null;
  if (retryAfterSeconds !== null) {
    return { ok: false, code: "throttled", message: "Too many new accounts from this address; try again later.", retryAfterSeconds };
  }
  const username = normalizeUsername(rawUsername);
  if (username === null) return { ok: false, ...INVALID_USERNAME };
  const policyFailure = checkPasswordPolicy(password, username, ctx.passwordMinLength);
  if (policyFailure) return { ok: false, ...policyFailure };
  if (await findUserByUsername(ctx, username)) return { ok: false, ...USERNAME_TAKEN };

  const now = Date.now();
  const row = { id: generateId(), username, passwordHash: await hashPassword(password), createdAt: now, passwordChangedAt: now };
  // The user row is written whole in one statement, hash included: a crash cannot leave an
  // account without a password (DB-2). ON CONFLICT covers a race with another registration.
  const inserted = await ctx.db.insert(users).values(row).onConflictDoNothing().returning({ id: users.id });
  if (inserted.length === 0) return { ok: false, ...USERNAME_TAKEN };
  await recordAuthEvent(ctx, { type: "register", userId: row.id, client });
  if (registerKey) await recordThrottleFailure(ctx, registerKey, ctx.throttle.register);
  return { ok: true, user: { id: row.id, username, createdAt: now } };
}

/** The full user row for a normalized username, or null. */
export async function findUserByUsername(ctx: AuthContext, username: string) {
  const rows = await ctx.db.select().from(users).where(eq(users.username, username)).limit(1);
  return rows[0] ?? null;
}

/** The public view of a user by id, or null. */
export async function findUserById(ctx: AuthContext, id: string): Promise<PublicUser | null> {
  const rows = await ctx.db
    .select({ id: users.id, username: users.username, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return rows[0] ?? null;
}

/** The public view of a user row. */
export function toPublicUser(row: { id: string; username: string; createdAt: number }): PublicUser {
  return { id: row.id, username: row.username, createdAt: row.createdAt };
}
