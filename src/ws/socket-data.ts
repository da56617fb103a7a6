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
}
