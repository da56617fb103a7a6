// Sending protocol messages: JSON text frames of the ServerMessage shape only.
import type { ServerWebSocket } from "bun";
import type { AppResultMessage, ErrorBody, ServerMessage } from "./protocol.ts";
import type { SocketData } from "./socket-data.ts";

export type Socket = ServerWebSocket<SocketData>;

/** Sends one protocol message (or an application message's reply). */
export function sendMessage(ws: Socket, message: ServerMessage | AppResultMessage): void {
  ws.send(JSON.stringify(message));
}

/** Sends an error result for request `id` (null when the request had no usable id). */
export function sendError(ws: Socket, id: number | null, code: ErrorBody["code"], message: string): void {
  sendMessage(ws, { type: "result", id, ok: false, error: { code, message } });
}

/** The throttled error, with `retry_after` in seconds (AUTH-2). */
export function sendThrottled(ws: Socket, id: number, retryAfterSeconds: number): void {
  sendMessage(ws, {
    type: "result",
    id,
    ok: false,
    error: { code: "throttled", message: `Too many attempts; try again in ${retryAfterSeconds} s.`, retry_after: retryAfterSeconds },
  });
}
