// register, login and logout: the socket asks for a ticket, HTTPS turns it into the cookie, the socket completes.
import type { Connection } from "./connection.ts";
import { errorFromResponse, LatchError } from "./errors.ts";
import { createPkcePair } from "./pkce.ts";
import type { LatchTransport } from "./transport.ts";
import type { UserView } from "./types.ts";

// After a logout the server closes this page's socket; if it has not within this time, we drop it.
const LOGOUT_GRACE_MS = 3_000;

export interface SignInDeps {
  connection: Connection;
  transport: LatchTransport;
  /** https://host[/prefix] of the API. */
  httpBase: string;
}

/** register or login on the socket, redeem the ticket over HTTPS, then login.complete on the same socket. */
export async function signIn(deps: SignInDeps, type: "register" | "login", username: string, password: string): Promise<UserView> {
  const { connection } = deps;
  const { verifier, challenge } = await createPkcePair();
  await connection.whenOpen();
  // The ticket is bound to this socket: every step must run on it.
  const generation = connection.generation;
  const reply = await connection.request({ type, username, password, challenge }, { generation });
  if (typeof reply.ticket !== "string") throw new LatchError("bad_response", "The server sent no ticket.");
  const redeemed = await post(deps, "/auth/ticket", { ticket: reply.ticket, verifier });
  if (redeemed.status !== 204) throw await errorFromResponse(redeemed);
  try {
    const done = await connection.request({ type: "login.complete" }, { generation });
    if (!done.user) throw new LatchError("bad_response", "The server sent no user.");
    return done.user;
  } catch (error) {
    // The cookie is set already: if the socket dropped meanwhile, its reconnect is signed in by it.
    if (!(error instanceof LatchError && error.code === "connection_lost")) throw error;
    await connection.whenOpen();
    if (connection.user) return connection.user;
    throw error;
  }
}

/** POST /auth/logout, then waits for the server to end this socket's session (or ends it here). */
export async function signOut(deps: SignInDeps): Promise<void> {
  const response = await post(deps, "/auth/logout");
  // 401: the cookie was already gone (signed out elsewhere); the outcome is the same.
  if (response.status !== 204 && response.status !== 401) throw await errorFromResponse(response);
  const { connection } = deps;
  if (!connection.user) return;
  if (connection.state === "authenticated") {
    if (await connection.waitUntil(() => connection.user === null, Date.now() + LOGOUT_GRACE_MS)) return;
  }
  if (connection.user) connection.endSessionHere("logout");
}

async function post(deps: SignInDeps, path: string, json?: unknown): Promise<Response> {
  const init: RequestInit = { method: "POST", credentials: "same-origin" };
  if (json !== undefined) {
    init.headers = { "content-type": "application/json" };
    init.body = JSON.stringify(json);
  }
  try {
    return await deps.transport.fetch(deps.httpBase + path, init);
  } catch {
    throw new LatchError("network_error", `Could not reach ${path}.`);
  }
}
