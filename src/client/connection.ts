// The socket's life: connect, welcome, requests by id, pushes, session ends, and reconnect with back-off.
import type { CLOSE_CODES, ServerMessage, SessionEndedReason, UserView } from "../ws/protocol.ts";
import { backoffDelay, type BackoffOptions } from "./backoff.ts";
import { LatchError } from "./errors.ts";
import { Emitter } from "./events.ts";
import { PendingRequests } from "./pending.ts";
import type { LatchTransport } from "./transport.ts";
import type { LatchEvents, LatchPush, LatchResult, LatchState, OutgoingMessage } from "./types.ts";

// Typed against the server's CLOSE_CODES, so a change there fails the client's typecheck.
const SESSION_ENDED: (typeof CLOSE_CODES)["sessionEnded"] = 4001;
const SESSION_EXPIRED: (typeof CLOSE_CODES)["sessionExpired"] = 4002;
const AUTHENTICATION_TIMEOUT: (typeof CLOSE_CODES)["authenticationTimeout"] = 4003;
// A socket that stayed up this long was healthy: its drop starts the back-off afresh.
const STABLE_MS = 5_000;
// Code for drops the client notices itself (no welcome in time, socket could not be created).
const ABNORMAL_CLOSURE = 1006;

export interface ConnectionOptions {
  url: string;
  transport: LatchTransport;
  requestTimeoutMs: number;
  backoff: BackoffOptions;
}

export interface SendOptions {
  timeoutMs?: number;
  /** Only send on this socket generation; "connection_lost" if it has been replaced. */
  generation?: number;
}

/** One logical connection: the current socket, its user and state, and the sockets that replace it. */
export class Connection {
  state: LatchState = "connecting";
  user: UserView | null = null;
  /** Bumped for every new socket, so a sign-in can insist on finishing where it started. */
  generation = 0;
  readonly events = new Emitter<LatchEvents>();
  private socket: WebSocket | null = null;
  private readonly pending = new PendingRequests();
  private readonly watchers = new Set<() => void>();
  private nextId = 0;
  private attempt = 0;
  private welcomedAt = 0;
  private endedReason: SessionEndedReason | null = null;
  // The welcome timeout while a socket is up, the reconnect delay while none is.
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Starts connecting at once. */
  constructor(private readonly options: ConnectionOptions) {
    this.connect();
  }

  /** True while a socket is open and welcomed. */
  isOpen(): boolean {
    return this.state === "anonymous" || this.state === "authenticated";
  }

  /** Resolves true once `predicate` holds, false at `deadline` or when the client is closed. */
  waitUntil(predicate: () => boolean, deadline: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    if (this.state === "closed") return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve(ok);
      };
      const check = () => (predicate() ? finish(true) : this.state === "closed" ? finish(false) : undefined);
      const timer = setTimeout(() => finish(false), Math.max(0, deadline - Date.now()));
      this.watchers.add(check);
    });
  }

  /** Waits until the socket is open; rejects with "closed" or "timeout" (default: the request timeout). */
  async whenOpen(deadline = Date.now() + this.options.requestTimeoutMs): Promise<void> {
    if (await this.waitUntil(() => this.isOpen(), deadline)) return;
    if (this.state === "closed") throw new LatchError("closed", "The client was closed.");
    throw new LatchError("timeout", "Not connected to the server in time.");
  }

  /** Sends `message` with a fresh id once the socket is open; resolves with the ok result. */
  async request(message: OutgoingMessage, options: SendOptions = {}): Promise<LatchResult> {
    const deadline = Date.now() + (options.timeoutMs ?? this.options.requestTimeoutMs);
    await this.whenOpen(deadline);
    if (options.generation !== undefined && options.generation !== this.generation) {
      throw new LatchError("connection_lost", "The connection was replaced before this step.");
    }
    const id = ++this.nextId;
    const result = this.pending.add(id, message.type, Math.max(1, deadline - Date.now()));
    try {
      this.socket!.send(JSON.stringify({ ...message, id }));
    } catch {
      this.pending.fail(id, new LatchError("connection_lost", "The connection dropped while sending."));
    }
    return result;
  }

  /** Records that this page signed in as `user` (after login.complete); always emits "authenticated". */
  signedIn(user: UserView): void {
    this.user = user;
    this.setState("authenticated");
    this.events.emit("authenticated", { user });
  }

  /** Ends the session on this side (user null, "session-ended"); reconnects if a socket is up. */
  endSessionHere(reason: SessionEndedReason): void {
    this.endSession(reason);
    const socket = this.socket;
    if (!socket) return;
    detach(socket);
    socket.close(1000, "signed out");
    // Counted as a session end: reconnect at once, and anonymously now that the cookie is gone.
    this.onSocketGone(socket, SESSION_ENDED);
  }

  /** Closes for good: no reconnect; waiting requests reject with "closed". */
  close(): void {
    if (this.state === "closed") return;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      detach(socket);
      socket.close(1000, "client closed");
    }
    this.state = "closed";
    this.notify();
    this.events.emit("connection", { state: "closed" });
    this.pending.failAll(new LatchError("closed", "The client was closed."));
  }

  private connect(): void {
    if (this.state === "closed") return;
    this.generation++;
    this.endedReason = null;
    this.welcomedAt = 0;
    let socket: WebSocket;
    try {
      socket = this.options.transport.createSocket(this.options.url);
    } catch {
      return this.dropped(ABNORMAL_CLOSURE);
    }
    this.socket = socket;
    socket.onmessage = (event) => this.onFrame(socket, event.data);
    socket.onclose = (event) => this.onSocketGone(socket, event.code);
    // A handshake that hangs, or a server that never says welcome, counts as a drop.
    this.timer = setTimeout(() => {
      detach(socket);
      socket.close();
      this.onSocketGone(socket, ABNORMAL_CLOSURE);
    }, this.options.requestTimeoutMs);
  }

  private onFrame(socket: WebSocket, data: unknown): void {
    if (socket !== this.socket || typeof data !== "string") return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === "welcome") this.onWelcome(message.user);
    else if (message.type === "result") this.onResult(message);
    else if (message.type === "authenticated") {
      if (this.user?.id !== message.user.id) this.signedIn(message.user);
    } else if (message.type === "session.ended") this.endedReason = message.reason;
    else this.events.emit("message", message as LatchPush);
  }

  private onWelcome(user: UserView | null): void {
    clearTimeout(this.timer);
    this.welcomedAt = Date.now();
    const previous = this.user;
    // The session went away while we were disconnected (or another page switched accounts).
    if (previous && previous.id !== user?.id) this.endSession("unknown");
    if (this.state === "closed") return; // a listener closed the client
    this.user = user;
    this.setState(user ? "authenticated" : "anonymous");
    if (user && previous?.id !== user.id) this.events.emit("authenticated", { user });
  }

  private onResult(message: Extract<ServerMessage, { type: "result" }>): void {
    const pending = this.pending.take(message.id);
    if (!pending) return;
    if (!message.ok) return pending.reject(new LatchError(message.error.code, message.error.message));
    // Applied before the caller resumes, so `latch.user` is set when login() resolves.
    if (pending.type === "login.complete" && message.user) this.signedIn(message.user);
    pending.resolve(message as LatchResult);
  }

  private onSocketGone(socket: WebSocket, code: number): void {
    if (socket !== this.socket) return;
    this.socket = null;
    clearTimeout(this.timer);
    this.dropped(code);
  }

  private dropped(code: number): void {
    const stable = this.welcomedAt > 0 && Date.now() - this.welcomedAt >= STABLE_MS;
    const reason = this.endedReason ?? (code === SESSION_ENDED ? "logout" : code === SESSION_EXPIRED ? "expired" : null);
    // Session ends and the anonymous timeout are orderly closes: reconnect promptly.
    if (stable || reason || code === AUTHENTICATION_TIMEOUT) this.attempt = 0;
    // Scheduled before any listener runs, so a listener's close() can cancel it.
    this.timer = setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.options.backoff));
    this.setState("reconnecting");
    this.pending.failAll(new LatchError("connection_lost", "The connection dropped before the server answered."));
    if (reason) this.endSession(reason);
  }

  private endSession(reason: SessionEndedReason | "unknown"): void {
    if (!this.user) return;
    this.user = null;
    this.notify();
    this.events.emit("session-ended", { reason });
  }

  private setState(state: LatchState): void {
    // "closed" is final: nothing a late frame or listener does reopens the client.
    if (this.state === state || this.state === "closed") return;
    this.state = state;
    this.notify();
    this.events.emit("connection", { state });
  }

  private notify(): void {
    for (const check of [...this.watchers]) check();
  }
}

function detach(socket: WebSocket): void {
  socket.onmessage = null;
  socket.onclose = null;
}
