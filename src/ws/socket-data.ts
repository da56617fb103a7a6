// What each live socket carries, set at the handshake and updated as it signs in or out.
import type { ClientInfo, PublicUser } from "../auth/context.ts";

export interface SocketData {
  /** Random per-socket id; tickets are bound to it (TIX-2). Never sent to the client. */
  socketId: string;
  client: ClientInfo;
  user: PublicUser | null;
  sessionId: string | null;
  /** When the session ends if nothing extends it (ms since epoch); null while anonymous. */
  sessionExpiresAt: number | null;
  /** A register/login/complete is running: one at a time per socket, so Argon2id cannot be queued up. */
  authInFlight: boolean;
  /** Closes an anonymous socket that has not signed in in time (WS-2). */
  anonymousTimer: ReturnType<typeof setTimeout> | null;
}
