// Sending protocol messages: JSON text frames of the ServerMessage shape only.
import type { ServerWebSocket } from "bun";
import type { PublicUser } from "../auth/context.ts";
import type { AppResultMessage, ErrorBody, ServerMessage } from "./protocol.ts";
import type { SocketData } from "./socket-data.ts";

export type Socket = ServerWebSocket<SocketData>;

/** Sends one protocol message (or an application message's reply). */
export function sendMessage(ws: Socket, message: ServerMessage | AppResultMessage): void {
  ws.send(JSON.stringify(message));
}

// The ping reply carries the socket's user, the same on every ping: its JSON is made once per user
// object (a socket's user is replaced, never changed in place, when it signs in again).
const userJson = new WeakMap<PublicUser, string>();

/** The reply to ping `id`: `{"type":"result","id":id,"ok":true,"user":...}`, byte for byte. */
export function sendPingResult(ws: Socket, id: number): void {
  // `id` is a safe integer (checked by parseFrame), so its decimal form is valid JSON.
  ws.send(`{"type":"result","id":${id},"ok":true,"user":${jsonOfUser(ws.data.user)}}`);
}

function jsonOfUser(user: PublicUser | null): string {
  if (user === null) return "null";
  let json = userJson.get(user);
  if (json === undefined) userJson.set(user, (json = JSON.stringify(user)));
  return json;
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
