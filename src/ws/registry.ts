// Live sockets by session id and by user id. Knows nothing about how auth works: the auth
// code tells it which sessions ended, and it closes their sockets.
import type { ServerWebSocket } from "bun";
import type { SessionEndReason } from "../auth/context.ts";
import { CLOSE_CODES, type ServerMessage } from "./protocol.ts";
import type { SocketData } from "./socket-data.ts";

type Socket = ServerWebSocket<SocketData>;

const CLOSE_CODE_BY_REASON: Record<SessionEndReason, number> = {
  logout: CLOSE_CODES.sessionEnded,
  revoked: CLOSE_CODES.sessionEnded,
  expired: CLOSE_CODES.sessionExpired,
};

export class SocketRegistry {
  private readonly byId = new Map<string, Socket>();
  // Arrays, not Sets: a session or user has few sockets (at most the per-user limit), and an
  // idle socket's index entries are a part of its memory worth keeping small (bench/RESULTS.md).
  private readonly bySession = new Map<string, Socket[]>();
  private readonly byUser = new Map<string, Socket[]>();

  /** Starts tracking a socket (anonymous ones too, for shutdown). */
  add(ws: Socket): void {
    this.byId.set(ws.data.socketId, ws);
    this.index(ws);
  }

  /** Stops tracking a socket; call on close. */
  remove(ws: Socket): void {
    this.byId.delete(ws.data.socketId);
    this.unindex(ws);
  }

  /** Call before changing ws.data.sessionId/user, then `bind` after, to keep the indexes right. */
  unbind(ws: Socket): void {
    this.unindex(ws);
  }

  /** Re-indexes a socket after its session changed. */
  bind(ws: Socket): void {
    if (this.byId.get(ws.data.socketId) === ws) this.index(ws);
  }

  /** The live socket with this id, if it is in this process. */
  findSocket(socketId: string): Socket | undefined {
    return this.byId.get(socketId);
  }

  /** Every tracked socket, anonymous ones included. */
  all(): Socket[] {
    return [...this.byId.values()];
  }

  /** Sockets currently bound to `sessionId`. */
  socketsOfSession(sessionId: string): Socket[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  /** Sockets currently bound to any session of `userId`. */
  socketsOfUser(userId: string): Socket[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  /** Tells each socket of these sessions why, then closes it; `except` keeps one socket open. */
  closeSessions(sessionIds: Iterable<string>, reason: SessionEndReason, except?: Socket): number {
    let closed = 0;
    for (const sessionId of sessionIds) {
      for (const ws of this.socketsOfSession(sessionId)) {
        if (ws === except) continue;
        endSocket(ws, reason);
        this.unindex(ws);
        closed++;
      }
    }
    return closed;
  }

  /** Number of tracked sockets and index entries (for leak checks). */
  size(): { sockets: number; sessions: number; users: number } {
    return { sockets: this.byId.size, sessions: this.bySession.size, users: this.byUser.size };
  }

  private index(ws: Socket): void {
    const { sessionId, user } = ws.data;
    if (sessionId === null || user === null) return;
    addTo(this.bySession, sessionId, ws);
    addTo(this.byUser, user.id, ws);
  }

  private unindex(ws: Socket): void {
    const { sessionId, user } = ws.data;
    if (sessionId !== null) removeFrom(this.bySession, sessionId, ws);
    if (user !== null) removeFrom(this.byUser, user.id, ws);
  }
}

/** Sends `session.ended` and closes with the documented code. */
export function endSocket(ws: Socket, reason: SessionEndReason): void {
  const message: ServerMessage = { type: "session.ended", reason };
  ws.send(JSON.stringify(message));
  ws.close(CLOSE_CODE_BY_REASON[reason], reason);
}

function addTo(map: Map<string, Socket[]>, key: string, ws: Socket): void {
  const list = map.get(key);
  if (!list) map.set(key, [ws]);
  else if (!list.includes(ws)) list.push(ws);
}

function removeFrom(map: Map<string, Socket[]>, key: string, ws: Socket): void {
  const list = map.get(key);
  const at = list?.indexOf(ws) ?? -1;
  if (!list || at < 0) return;
  list.splice(at, 1);
  if (list.length === 0) map.delete(key);
}
