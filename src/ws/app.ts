// The extension point for application messages on authenticated sockets (the demo chat uses it).
import type { z } from "zod";
import type { Socket } from "./send.ts";

export interface AppMessageHandler<T extends { id: number } = { id: number }> {
  /** Validates the whole message (type and id included); strict objects recommended. */
  schema: z.ZodType<T>;
  /** Handles a valid message from an authenticated socket; returns the fields of the ok reply. */
  handle(ws: Socket, message: T): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface SocketApp {
  /** Message types the application adds; only authenticated sockets may send them. */
  messages: Record<string, AppMessageHandler>;
  /** Called when a socket signs in on the socket (sign-in, re-authentication, account switch). */
  onAuthenticated?(ws: Socket): void;
  /** Called after a socket closed. */
  onClosed?(ws: Socket): void;
}

/** Thrown by an application handler to refuse a message: replied as `{ok:false, error:{code, message}}`. */
export class AppMessageError extends Error {
  /** A refusal with a stable code and a sentence for people. */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
