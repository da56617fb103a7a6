// The Latch browser client: connectLatch() and everything a page needs to sign in over the socket.
import { DEFAULT_BACKOFF } from "./backoff.ts";
import { Connection } from "./connection.ts";
import { signIn, signOut, type SignInDeps } from "./sign-in.ts";
import { browserTransport, defaultSocketUrl, httpBaseFor } from "./transport.ts";
import type { Latch, LatchOptions } from "./types.ts";

export { LatchError, type ClientErrorCode, type LatchErrorCode } from "./errors.ts";
export type { BackoffOptions } from "./backoff.ts";
export type { LatchTransport } from "./transport.ts";
export type * from "./types.ts";

const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** Opens the socket (reconnecting as needed) and returns the client; the cookie signs it in if present. */
export function connectLatch(options: LatchOptions = {}): Latch {
  const url = options.url ?? defaultSocketUrl();
  const transport = { ...browserTransport, ...options.transport };
  const httpBase = httpBaseFor(url);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const connection = new Connection({ url, transport, requestTimeoutMs, backoff: { ...DEFAULT_BACKOFF, ...options.backoff } });
  const deps: SignInDeps = { connection, transport, httpBase };
  return {
    get state() {
      return connection.state;
    },
    get user() {
      return connection.user;
    },
    ready: (timeoutMs = requestTimeoutMs) => connection.waitUntil(() => connection.isOpen(), Date.now() + timeoutMs),
    register: (username, password) => signIn(deps, "register", username, password),
    login: (username, password) => signIn(deps, "login", username, password),
    logout: () => signOut(deps),
    on: (event, listener) => connection.events.on(event, listener),
    request: (message, requestOptions) => connection.request(message, requestOptions),
    close: () => connection.close(),
  };
}
