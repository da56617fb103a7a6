// The public types of the client: states, events, results, options and the Latch object itself.
import type { ServerMessage, SessionEndedReason, UserView } from "../ws/protocol.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { LatchTransport } from "./transport.ts";

export type { SessionEndedReason, UserView };

/** connecting (first time), anonymous / authenticated (open), reconnecting (dropped), closed (by close()). */
export type LatchState = "connecting" | "anonymous" | "authenticated" | "reconnecting" | "closed";

/** A message the application sends; the client assigns `id`. */
export type OutgoingMessage = { type: string; id?: never } & Record<string, unknown>;

/** A successful result: `{type:"result", id, ok:true, ...}` plus whatever fields the server added. */
export type LatchResult = Extract<ServerMessage, { type: "result"; ok: true }> & Record<string, unknown>;

/** A server push the client does not handle itself (anything but welcome/result/authenticated/session.ended). */
export type LatchPush = { type: string } & Record<string, unknown>;

export interface LatchEvents {
  /** This page is now signed in as `user` (login, register, or a reconnect that found a new user). */
  authenticated: { user: UserView };
  /** The session ended; `unknown` when a reconnect found the session gone without being told why. */
  "session-ended": { reason: SessionEndedReason | "unknown" };
  /** `state` changed. */
  connection: { state: LatchState };
  /** An application push from the server. */
  message: LatchPush;
}

export interface RequestOptions {
  /** Overrides the client's request timeout for this request (ms). */
  timeoutMs?: number;
}

export interface LatchOptions {
  /** The socket URL; default wss://<this page's host>/ws. /auth/* calls go to the same host. */
  url?: string;
  /** Injected WebSocket and fetch (tests); defaults to the browser's. */
  transport?: Partial<LatchTransport>;
  /** How long a request (including waiting for a connection) may take; default 15 000 ms. */
  requestTimeoutMs?: number;
  /** Reconnect back-off; default 250 ms doubling up to 10 s, full jitter. */
  backoff?: Partial<BackoffOptions>;
}

export interface Latch {
  /** The connection state. */
  readonly state: LatchState;
  /** The signed-in user, or null; kept while reconnecting, cleared when the session ends. */
  readonly user: UserView | null;
  /** Waits until the socket is open (anonymous or authenticated); false on timeout or after close(). */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Creates an account and signs this page in as it; resolves with the user. */
  register(username: string, password: string): Promise<UserView>;
  /** Signs this page in (PKCE ticket, cookie, login.complete); resolves with the user. */
  login(username: string, password: string): Promise<UserView>;
  /** Signs this browser out (clears the cookie); resolves once this client is signed out. */
  logout(): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof LatchEvents>(event: K, listener: (payload: LatchEvents[K]) => void): () => void;
  /** Sends an application message and resolves with its ok result; rejects with LatchError. */
  request(message: OutgoingMessage, options?: RequestOptions): Promise<LatchResult>;
  /** Closes the socket for good: no reconnect, pending requests reject with "closed". */
  close(): void;
}
