// register, login and login.complete on the socket: the socket half of the ticket handshake.
import type { AuthContext, PublicUser } from "../auth/context.ts";
import { verifyCredentials } from "../auth/credentials.ts";
import { completeLoginTicket, issueLoginTicket } from "../auth/tickets.ts";
import { registerUser } from "../auth/users.ts";
import type { ClientMessage } from "./protocol.ts";
import type { SocketApp } from "./app.ts";
import type { LiveSessions } from "./live-sessions.ts";
import type { SocketRegistry } from "./registry.ts";
import { sendError, sendMessage, sendThrottled, type Socket } from "./send.ts";

type CredentialsMessage = Extract<ClientMessage, { type: "register" | "login" }>;

export interface SignInDeps {
  auth: AuthContext;
  live: LiveSessions;
  registry: SocketRegistry;
  limits: { socketsPerUser: number };
  app: SocketApp;
}

/** register: create the account, then answer with a ticket for the page to redeem. */
export async function handleRegister(deps: SignInDeps, ws: Socket, message: CredentialsMessage): Promise<void> {
  const result = await registerUser(deps.auth, message.username, message.password, ws.data.client);
  if (!result.ok && "retryAfterSeconds" in result) return sendThrottled(ws, message.id, result.retryAfterSeconds);
  if (!result.ok) return sendError(ws, message.id, result.code, result.message);
  await replyWithTicket(deps, ws, message, result.user);
}

/** login: check the password, then answer with a ticket; one generic error otherwise (AUTH-1). */
export async function handleLogin(deps: SignInDeps, ws: Socket, message: CredentialsMessage): Promise<void> {
  const result = await verifyCredentials(deps.auth, message.username, message.password, ws.data.client);
  if (result.ok) return replyWithTicket(deps, ws, message, result.user);
  if (result.code === "throttled") return sendThrottled(ws, message.id, result.retryAfterSeconds);
  sendError(ws, message.id, "invalid_credentials", "Wrong username or password.");
}

/** login.complete: bind this socket to the session its redeemed ticket created. */
export async function handleLoginComplete(deps: SignInDeps, ws: Socket, id: number): Promise<void> {
  const completed = await completeLoginTicket(deps.auth, ws.data.socketId, ws.data.client);
  if (!completed) return sendError(ws, id, "invalid_ticket", "No finished sign-in for this connection; sign in again.");
  const others = deps.registry.socketsOfUser(completed.user.id).filter((socket) => socket !== ws);
  if (others.length >= deps.limits.socketsPerUser) {
    return sendError(ws, id, "too_many_sockets", `At most ${deps.limits.socketsPerUser} connections per user.`);
  }
  deps.live.attach(ws, completed.user, completed.session);
  if (ws.data.anonymousTimer) clearTimeout(ws.data.anonymousTimer);
  ws.data.anonymousTimer = null;
  sendMessage(ws, { type: "result", id, ok: true, user: completed.user });
  sendMessage(ws, { type: "authenticated", user: completed.user });
  deps.app.onAuthenticated?.(ws);
}

async function replyWithTicket(deps: SignInDeps, ws: Socket, message: CredentialsMessage, user: PublicUser): Promise<void> {
  // WS-5: the ticket is the only secret that ever travels in a socket message.
  const ticket = await issueLoginTicket(deps.auth, user.id, ws.data.socketId, message.challenge);
  sendMessage(ws, { type: "result", id: message.id, ok: true, ticket });
}
