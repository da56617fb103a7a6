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
  /** Called when a socket becomes authenticated (handshake, sign-in, account switch). */
  onAuthenticated?(ws: Socket): void;
  /** Called after a socket closed. */
  onClosed?(ws: Socket): void;
}

/** An app with no messages. */
export const NO_APP: SocketApp = { messages: {} };
