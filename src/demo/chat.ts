// The demo's live panel: one chat room with presence, on Bun's native topics. It proves the
// socket is authenticated: the sender's name comes from the server's session, never the client.
import { z } from "zod";
import { AppMessageError, type SocketApp } from "../ws/app.ts";
import type { Socket } from "../ws/send.ts";

const ROOM_TOPIC = "demo-chat";
const HISTORY_LENGTH = 50;
const MAX_TEXT_LENGTH = 500;

const requestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const joinSchema = z.object({ type: z.literal("chat.join"), id: requestId }).strict();
const sendSchema = z.object({ type: z.literal("chat.send"), id: requestId, text: z.string().trim().min(1).max(MAX_TEXT_LENGTH) }).strict();

export interface ChatMessage {
  type: "chat.message";
  from: string;
  text: string;
  at: number;
}

/**
 * The chat room as a socket application; `publish` is the Bun server's topic publish. A socket
 * joins explicitly (`chat.join`), so sockets that are not showing the chat get no pushes.
 */
export function createChatApp(publish: (topic: string, data: string) => void): SocketApp {
  const members = new Map<Socket, string>();
  const history: ChatMessage[] = [];

  function broadcastPresence(): void {
    const users = [...new Set(members.values())].sort();
    publish(ROOM_TOPIC, JSON.stringify({ type: "chat.presence", users }));
  }

  return {
    messages: {
      "chat.join": {
        schema: joinSchema,
        handle(ws) {
          ws.subscribe(ROOM_TOPIC);
          members.set(ws, ws.data.user!.username);
          broadcastPresence();
          return { history };
        },
      },
      "chat.send": {
        schema: sendSchema,
        handle(ws, message: z.infer<typeof sendSchema>) {
          if (!members.has(ws)) throw new AppMessageError("not_joined", "Join the room first.");
          const chat: ChatMessage = { type: "chat.message", from: ws.data.user!.username, text: message.text, at: Date.now() };
          history.push(chat);
          if (history.length > HISTORY_LENGTH) history.shift();
          publish(ROOM_TOPIC, JSON.stringify(chat));
          return {};
        },
      },
    },
    // A member that switched account shows under its new name.
    onAuthenticated(ws) {
      if (!members.has(ws)) return;
      members.set(ws, ws.data.user!.username);
      broadcastPresence();
    },
    onClosed(ws) {
      if (members.delete(ws)) broadcastPresence();
    },
  };
}
