// The socket sign-in as a test drives it by hand: message -> ticket -> POST -> complete.
import { request, sessionCookieFrom } from "./http.ts";
import { makePkcePair } from "./pkce.ts";
import type { TestSocket } from "./ws.ts";

let nextId = 1000;

/** Sends register/login with a fresh challenge; returns the reply and the verifier. */
export async function askForTicket(socket: TestSocket, type: "register" | "login", username: string, password: string) {
  const { verifier, challenge } = await makePkcePair();
  const reply = await socket.call({ type, id: nextId++, username, password, challenge });
  return { reply, verifier, ticket: reply.ticket as string | undefined };
}

/** POST /auth/ticket; returns the response and the cookie it set. */
export async function redeemTicket(origin: string, ticket: string, verifier: string, cookie?: string) {
  const response = await request(origin, "POST", "/auth/ticket", { json: { ticket, verifier }, cookie });
  return { response, cookie: sessionCookieFrom(response) };
}

/** The whole flow on one socket; returns the new cookie. Throws if any step fails. */
export async function signInOnSocket(
  socket: TestSocket,
  origin: string,
  type: "register" | "login",
  username: string,
  password = "correct horse battery staple",
  cookie?: string,
): Promise<string> {
  const { reply, verifier, ticket } = await askForTicket(socket, type, username, password);
  if (!reply.ok || !ticket) throw new Error(`${type} refused: ${JSON.stringify(reply)}`);
  const redeemed = await redeemTicket(origin, ticket, verifier, cookie);
  if (redeemed.response.status !== 204 || !redeemed.cookie) throw new Error(`redeem failed: ${redeemed.response.status}`);
  const complete = await socket.call({ type: "login.complete", id: nextId++ });
  if (!complete.ok) throw new Error(`complete refused: ${JSON.stringify(complete)}`);
  return redeemed.cookie;
}
