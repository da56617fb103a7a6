// The one handler object every socket shares: open, message, close.
import type { WebSocketHandler } from "bun";
import type { AuthContext } from "../auth/context.ts";
import type { Logger } from "../lib/log.ts";
import { parseFrame } from "./parse.ts";
import { ANONYMOUS_TYPES, CLOSE_CODES, PROTOCOL_VERSION, type ClientMessage } from "./protocol.ts";
import type { LiveSessions } from "./live-sessions.ts";
import { endSocket, type SocketRegistry } from "./registry.ts";
import { sendError, sendMessage, type Socket } from "./send.ts";
import { handleLogin, handleLoginComplete, handleRegister } from "./sign-in.ts";
import type { SocketData } from "./socket-data.ts";

export interface SocketDeps {
  auth: AuthContext;
  registry: SocketRegistry;
  live: LiveSessions;
  logger: Logger;
  anonSocketMs: number;
}

/** Builds the native Bun websocket handler object. */
export function createSocketHandler(deps: SocketDeps): WebSocketHandler<SocketData> {
  return {
    open(ws) {
      deps.registry.add(ws);
      if (ws.data.user && ws.data.session) deps.live.attach(ws, ws.data.user, ws.data.session);
      else {
        ws.data.anonymousTimer = setTimeout(() => {
          if (!ws.data.user) ws.close(CLOSE_CODES.authenticationTimeout, "authentication timeout");
        }, deps.anonSocketMs);
      }
      deps.logger.info({ event: "ws_open", user: ws.data.user?.id ?? null, ip: ws.data.client.ip });
      sendMessage(ws, { type: "welcome", protocol: PROTOCOL_VERSION, user: ws.data.user });
    },
    async message(ws, raw) {
      const frame = parseFrame(raw);
      if (!frame.ok) {
        const anonymousOnly = !ws.data.user && frame.type !== null && !ANONYMOUS_TYPES.has(frame.type);
        if (anonymousOnly) return sendError(ws, frame.id, "unauthenticated", "Sign in first.");
        return sendError(ws, frame.id, "bad_request", "Unknown or malformed message; see docs/protocol.md.");
      }
      // Every message on an authenticated socket first checks that its session is still alive
      // in this process's view (SES-5); the message also counts as activity on the session.
      const ended = ws.data.session ? deps.live.useSession(ws.data.session.id) : null;
      if (ended) return endSocket(ws, ended);
      try {
        await dispatch(deps, ws, frame.message);
      } catch (error) {
        deps.logger.error({ event: "ws_error", type: frame.message.type, err: error });
        sendError(ws, frame.message.id, "internal_error", "Something went wrong on our side.");
      }
    },
    close(ws, code) {
      deps.registry.remove(ws);
      deps.live.detach(ws);
      if (ws.data.anonymousTimer) clearTimeout(ws.data.anonymousTimer);
      deps.logger.info({ event: "ws_close", code, user: ws.data.user?.id ?? null, ip: ws.data.client.ip });
    },
  };
}

async function dispatch(deps: SocketDeps, ws: Socket, message: ClientMessage): Promise<void> {
  if (message.type === "ping") {
    return sendMessage(ws, { type: "result", id: message.id, ok: true, user: ws.data.user });
  }
  // One sign-in step at a time per socket: each costs an Argon2id hash or database writes.
  if (ws.data.authInFlight) return sendError(ws, message.id, "busy", "A sign-in is already running on this connection.");
  ws.data.authInFlight = true;
  try {
    if (message.type === "register") await handleRegister(deps, ws, message);
    else if (message.type === "login") await handleLogin(deps, ws, message);
    else await handleLoginComplete(deps, ws, message.id);
  } finally {
    ws.data.authInFlight = false;
  }
}
