// The one handler object every socket shares: open, message, close.
import type { ServerWebSocket, WebSocketHandler } from "bun";
import type { Logger } from "../lib/log.ts";
import { clientMessageSchema, type ServerMessage } from "./protocol.ts";
import type { SocketData } from "./socket-data.ts";

export interface SocketDeps {
  logger: Logger;
}

type Socket = ServerWebSocket<SocketData>;

/** Builds the native Bun websocket handler, plus the set of open sockets for shutdown. */
export function createSocketHandler(deps: SocketDeps) {
  const open = new Set<Socket>();

  const handler: WebSocketHandler<SocketData> = {
    open(ws) {
      open.add(ws);
      deps.logger.info({ event: "ws_open", authenticated: ws.data.user !== null, ip: ws.data.client.ip });
    },
    message(ws, raw) {
      const message = parseMessage(raw);
      if (!message) {
        send(ws, { type: "result", id: null, ok: false, error: { code: "bad_request", message: "Unknown or malformed message." } });
        return;
      }
      send(ws, { type: "result", id: message.id, ok: true, user: ws.data.user });
    },
    close(ws, code) {
      open.delete(ws);
      deps.logger.info({ event: "ws_close", code, authenticated: ws.data.user !== null, ip: ws.data.client.ip });
    },
  };
  return { handler, open };
}

function parseMessage(raw: string | Buffer) {
  if (typeof raw !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = clientMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function send(ws: Socket, message: ServerMessage): void {
  ws.send(JSON.stringify(message));
}
