// Protocol v1: the messages a client may send (validated with zod) and those the server sends.
// The browser client imports only the types from here (see docs/protocol.md).
import { z } from "zod";

export const PROTOCOL_VERSION = 1;

const requestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
// base64url(SHA-256(verifier)) without padding: 43 characters (RFC 7636 S256).
const challenge = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const username = z.string().min(1).max(256);
const password = z.string().min(1).max(1024);

const credentialsMessage = { id: requestId, username, password, challenge };

export const clientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("register"), ...credentialsMessage }).strict(),
  z.object({ type: z.literal("login"), ...credentialsMessage }).strict(),
  z.object({ type: z.literal("login.complete"), id: requestId }).strict(),
  z.object({ type: z.literal("ping"), id: requestId }).strict(),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage["type"];

/** Message types an anonymous socket may send (WS-2). */
export const ANONYMOUS_TYPES: ReadonlySet<string> = new Set<ClientMessageType>(["register", "login", "login.complete", "ping"]);

export interface UserView {
  id: string;
  username: string;
  createdAt: number;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** With `throttled` and `rate_limited`: seconds to wait before trying again. */
  retry_after?: number;
}

export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "invalid_credentials"
  | "invalid_ticket"
  | "busy"
  | "throttled"
  | "rate_limited"
  | "internal_error"
  | "invalid_username"
  | "username_taken"
  | "password_too_short"
  | "password_too_long"
  | "password_common"
  | "password_is_username"
  | (string & {});

export type SessionEndedReason = "logout" | "revoked" | "expired";

export type ServerMessage =
  | { type: "welcome"; protocol: typeof PROTOCOL_VERSION; user: UserView | null }
  | { type: "result"; id: number; ok: true; ticket?: string; user?: UserView | null }
  | { type: "result"; id: number | null; ok: false; error: ErrorBody }
  | { type: "authenticated"; user: UserView }
  | { type: "session.ended"; reason: SessionEndedReason };

/** An application message's reply: ok plus the fields its handler returned. */
export type AppResultMessage = { type: "result"; id: number; ok: true } & Record<string, unknown>;

/** Close codes the server uses (docs/protocol.md). */
export const CLOSE_CODES = {
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  sessionEnded: 4001,
  sessionExpired: 4002,
  authenticationTimeout: 4003,
} as const;
