// What every domain verb is given: the database and the policy numbers, passed explicitly.
import type { Db } from "../db/client.ts";
import type { SessionLookup } from "../db/session-lookup.ts";
import type { ThrottlePolicies } from "./throttle.ts";

export interface AuthContext {
  db: Db;
  /** The session-and-user lookup of every cookie, on the fastest path the database allows. */
  lookupSession: SessionLookup;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  passwordMinLength: number;
  ticketTtlMs: number;
  /** Identifies this process among instances sharing the database. */
  instanceId: string;
  throttle: ThrottlePolicies;
}

/** Where a request or socket came from, for the session list and the audit log. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** A user as the edges may show it: never the password hash. */
export interface PublicUser {
  id: string;
  username: string;
  createdAt: number;
}

/** A refusal the edges can show as it is: a stable code and a sentence for people. */
export interface AuthFailure {
  code: string;
  message: string;
}

/** Why a session stopped: ended by its user, by someone else (or a password change), or by time. */
export type SessionEndReason = "logout" | "revoked" | "expired";

/** What the revocation feed records: a session end, or a rotation to a new session id. */
export type RevocationReason = SessionEndReason | "rotated";
