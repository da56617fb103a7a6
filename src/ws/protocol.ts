// Protocol v1: the messages a client may send (validated with zod) and those the server sends.
// The browser client imports only the types from here.
import { z } from "zod";

const requestId = z.number().int().safe();

export const clientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ping"), id: requestId }).strict(),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;

export interface UserView {
  id: string;
  username: string;
  createdAt: number;
}

export interface ErrorBody {
  code: string;
  message: string;
}

export type ServerMessage =
  | ({ type: "result"; id: number; ok: true } & Record<string, unknown>)
  | { type: "result"; id: number | null; ok: false; error: ErrorBody };
