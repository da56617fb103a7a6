// What each live socket carries, set at the handshake and updated as it signs in or out.
import type { ClientInfo, PublicUser } from "../auth/context.ts";
import type { SessionInfo } from "../auth/sessions.ts";
import type { RateState } from "./rate-limit.ts";

export interface SocketData {
  /** Random per-socket id; tickets are bound to it (TIX-2). Never sent to the client. */
  socketId: string;
  client: ClientInfo;
  /** When the handshake was accepted (ms since the epoch), for the close log's duration. */
  openedAt: number;
  user: PublicUser | null;
  /** The session this socket is bound to; null while anonymous. Never sent to the client. */
  sessionId: string | null;
  /** The session found at the handshake, handed to the session tracker at open, then dropped. */
  handshakeSession: SessionInfo | null;
  /** A register/login/complete is running: one at a time per socket, so Argon2id cannot be queued up. */
  authInFlight: boolean;
  /** Closes an anonymous socket that has not signed in in time (WS-2). */
  anonymousTimer: ReturnType<typeof setTimeout> | null;
  /** Message rate limit state (WS-4). */
  rate: RateState;
  /** Malformed or disallowed frames since the last good one (WS-3). */
  badFramesInARow: number;
}
