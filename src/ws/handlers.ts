// The one handler object every socket shares: open, message, close, and the socket limits.
import type { WebSocketHandler } from "bun";
import type { AuthContext } from "../auth/context.ts";
import type { Logger } from "../lib/log.ts";
import { AppMessageError, type SocketApp } from "./app.ts";
import type { LiveSessions } from "./live-sessions.ts";
import { parseFrame } from "./parse.ts";
import { ANONYMOUS_TYPES, CLOSE_CODES, PROTOCOL_VERSION, type ClientMessage } from "./protocol.ts";
import { secondsUntilToken, takeToken, type RateLimit } from "./rate-limit.ts";
import { endSocket, type SocketRegistry } from "./registry.ts";
import { sendError, sendMessage, sendPingResult, type Socket } from "./send.ts";
import { handleLogin, handleLoginComplete, handleRegister } from "./sign-in.ts";
import type { SocketData } from "./socket-data.ts";

export interface SocketLimits {
  maxMessageBytes: number;
  rate: RateLimit;
  socketsPerUser: number;
  idleTimeoutSeconds: number;
  backpressureBytes: number;
  anonSocketMs: number;
}

export interface SocketDeps {
  auth: AuthContext;
  registry: SocketRegistry;
  live: LiveSessions;
  logger: Logger;
  limits: SocketLimits;
  app: SocketApp;
}

// WS-3/WS-4: this many refused messages in a row (malformed or over the rate) is abuse, not a bug.
const ABUSE_THRESHOLD = 50;

/** Builds the native Bun websocket handler object, limits included. */
export function createSocketHandler(deps: SocketDeps): WebSocketHandler<SocketData> {
  const { limits } = deps;
  return {
    // Bun closes with 1009 above this size, before the frame reaches us.
    maxPayloadLength: limits.maxMessageBytes,
    // Bun pings shortly before the idle timeout and closes a peer that does not answer.
    idleTimeout: limits.idleTimeoutSeconds,
    sendPings: true,
    // A client that does not read its replies is dropped rather than buffered without bound.
    backpressureLimit: limits.backpressureBytes,
    closeOnBackpressureLimit: true,
    // Compression would let a small frame expand to a large one and costs CPU per message.
    perMessageDeflate: false,

    open(ws) {
      deps.registry.add(ws);
      const { user, handshakeSession } = ws.data;
      if (user && handshakeSession) deps.live.attach(ws, user, handshakeSession);
      else {
        ws.data.anonymousTimer = setTimeout(() => {
          if (!ws.data.user) ws.close(CLOSE_CODES.authenticationTimeout, "authentication timeout");
        }, limits.anonSocketMs);
      }
      // Info level logs a socket once, when it closes, with how long it lived (as access logs do
      // for upgraded connections); the open line is for debugging and costs a write per handshake.
      deps.logger.debug({ event: "ws_open", user: ws.data.user?.id ?? null, ip: ws.data.client.ip });
      sendMessage(ws, { type: "welcome", protocol: PROTOCOL_VERSION, user: ws.data.user });
    },

    message(ws, raw) {
      // One clock read per message, shared by the rate bucket and the session check.
      const now = Date.now();
      const frame = parseFrame(raw);
      const id = frame.ok ? frame.message.id : frame.id;
      if (!takeToken(ws.data.rate, limits.rate, now)) {
        if (ws.data.rate.refusedInARow > ABUSE_THRESHOLD) return ws.close(CLOSE_CODES.policyViolation, "rate limit");
        const retryAfter = secondsUntilToken(ws.data.rate, limits.rate);
        return sendMessage(ws, {
          type: "result",
          id,
          ok: false,
          error: { code: "rate_limited", message: "Too many messages; slow down.", retry_after: retryAfter },
        });
      }
      const appMessage = frame.ok ? null : readAppMessage(deps.app, ws, frame.type, frame.value);
      if (!frame.ok && !appMessage) return refuseFrame(ws, frame.id, frame.type);
      ws.data.badFramesInARow = 0;
      // Every message on an authenticated socket first checks that its session is still alive
      // in this process's view (SES-5); the message also counts as activity on the session.
      const ended = ws.data.sessionId ? deps.live.useSession(ws.data.sessionId, now) : null;
      if (ended) return endSocket(ws, ended);
      // ping, the commonest message, is answered without a promise.
      if (frame.ok && frame.message.type === "ping") {
        return sendPingResult(ws, frame.message.id);
      }
      void handleRequest(deps, ws, id, frame.ok ? frame.message : null, appMessage);
    },

    close(ws, code) {
      deps.registry.remove(ws);
      deps.live.detach(ws);
      deps.app.onClosed?.(ws);
      if (ws.data.anonymousTimer) clearTimeout(ws.data.anonymousTimer);
      const ms = Date.now() - ws.data.openedAt;
      deps.logger.info({ event: "ws_close", code, user: ws.data.user?.id ?? null, ip: ws.data.client.ip, ms });
    },
  };
}

// An application message this socket may send, validated by its schema; null otherwise.
function readAppMessage(app: SocketApp, ws: Socket, type: string | null, value: unknown) {
  // Own properties only: "constructor" or "__proto__" must not reach Object.prototype.
  if (type === null || !ws.data.user || !Object.hasOwn(app.messages, type)) return null;
  const handler = app.messages[type]!;
  const parsed = handler.schema.safeParse(value);
  return parsed.success ? { handler, message: parsed.data } : null;
}

// WS-2/WS-3: an error reply for a frame we will not handle; a long run of them closes the socket.
function refuseFrame(ws: Socket, id: number | null, type: string | null): void {
  ws.data.badFramesInARow++;
  if (ws.data.badFramesInARow > ABUSE_THRESHOLD) return ws.close(CLOSE_CODES.policyViolation, "too many bad messages");
  if (!ws.data.user && type !== null && !ANONYMOUS_TYPES.has(type)) return sendError(ws, id, "unauthenticated", "Sign in first.");
  sendError(ws, id, "bad_request", "Unknown or malformed message; see docs/protocol.md.");
}

// The requests that await (sign-in steps and application messages); never throws.
async function handleRequest(
  deps: SocketDeps,
  ws: Socket,
  id: number | null,
  message: ClientMessage | null,
  appMessage: ReturnType<typeof readAppMessage>,
): Promise<void> {
  try {
    if (message && message.type !== "ping") await dispatch(deps, ws, message);
    else if (appMessage) {
      const fields = await appMessage.handler.handle(ws, appMessage.message);
      sendMessage(ws, { ...fields, type: "result", id: appMessage.message.id, ok: true });
    }
  } catch (error) {
    if (error instanceof AppMessageError) return sendError(ws, id, error.code, error.message);
    deps.logger.error({ event: "ws_error", err: error });
    sendError(ws, id, "internal_error", "Something went wrong on our side.");
  }
}

async function dispatch(deps: SocketDeps, ws: Socket, message: Exclude<ClientMessage, { type: "ping" }>): Promise<void> {
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
