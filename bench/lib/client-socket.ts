// The load client's sockets: Bun's WebSocket with Origin and cookie headers, and the two wire
// formats (Latch's JSON protocol, shared by bare Bun and ws; Engine.IO v4 / Socket.IO for Socket.IO).
import { readFileSync } from "node:fs";

export type WireName = "json" | "socketio";

/** Where and how the load client connects; given to it by bench/run.ts. */
export interface Target {
  /** ws:// or wss:// origin, no path. */
  base: string;
  /** The Origin header to send (the server's own origin). */
  origin: string;
  wire: WireName;
  /** Whether the welcome must carry a user (every server but bare Bun). */
  expectUser: boolean;
  serverPid: number;
  /** One cookie per line (`name=value`); absent for bare Bun. */
  cookiesFile?: string;
}

export type Incoming = { kind: "welcome"; user: unknown } | { kind: "result"; id: number } | { kind: "refused" } | { kind: "other" };

interface Wire {
  path: string;
  /** Classifies one frame, answering protocol-level frames (Engine.IO open and ping) itself. */
  read(ws: WebSocket, data: string): Incoming;
  ping(id: number): string;
}

const OTHER: Incoming = { kind: "other" };

const WIRES: Record<WireName, Wire> = {
  json: {
    path: "/ws",
    read(_ws, data) {
      const message = JSON.parse(data) as { type: string; id?: number; user?: unknown; ok?: boolean };
      if (message.type === "welcome") return { kind: "welcome", user: message.user };
      if (message.type === "result") return message.ok ? { kind: "result", id: message.id! } : { kind: "refused" };
      return OTHER;
    },
    ping: (id) => `{"type":"ping","id":${id}}`,
  },
  socketio: {
    path: "/socket.io/?EIO=4&transport=websocket",
    read(ws, data) {
      if (data === "2") return ws.send("3"), OTHER; // Engine.IO heartbeat
      if (data[0] === "0") return ws.send("40"), OTHER; // Engine.IO open -> connect to "/"
      if (data.startsWith("43")) return { kind: "result", id: parseInt(data.slice(2), 10) };
      if (data.startsWith('42["welcome"')) return { kind: "welcome", user: (JSON.parse(data.slice(2)) as [string, { user: unknown }])[1].user };
      if (data.startsWith("44")) return { kind: "refused" };
      return OTHER;
    },
    ping: (id) => `42${id}["echo",{"type":"ping","id":${id}}]`,
  },
};

/** The cookies the server wrote for this run, or [] when it takes none. */
export function readCookies(target: Target): string[] {
  if (!target.cookiesFile) return [];
  return readFileSync(target.cookiesFile, "utf8").split("\n").filter(Boolean);
}

export interface ClientSocket {
  ws: WebSocket;
  /** Resolves at the first authenticated reply (the welcome); rejects if refused or closed first. */
  welcome: Promise<void>;
  closed: Promise<number>;
  /** Called for each result frame (after the welcome). */
  onResult: (id: number) => void;
  ping(id: number): void;
}

/** Opens one socket to `target` with `cookie`; the welcome is checked against `expectUser`. */
export function openClientSocket(target: Target, cookie?: string): ClientSocket {
  const wire = WIRES[target.wire];
  const headers: Record<string, string> = { origin: target.origin };
  if (cookie) headers.cookie = cookie;
  // Bun's WebSocket takes headers; the DOM typing of the constructor does not know them.
  const ws = new WebSocket(target.base + wire.path, { headers } as unknown as string[]);
  let welcomed: () => void;
  let refused: (error: Error) => void;
  const welcome = new Promise<void>((resolve, reject) => ((welcomed = resolve), (refused = reject)));
  const closed = new Promise<number>((resolve) =>
    ws.addEventListener("close", (event) => {
      refused(new Error(`closed before welcome (${event.code})`));
      resolve(event.code);
    }),
  );
  ws.addEventListener("error", () => refused(new Error("socket error")));
  const socket: ClientSocket = {
    ws,
    welcome,
    closed,
    onResult: () => {},
    ping: (id) => ws.send(wire.ping(id)),
  };
  ws.addEventListener("message", (event) => {
    const incoming = wire.read(ws, event.data as string);
    if (incoming.kind === "result") socket.onResult(incoming.id);
    else if (incoming.kind === "welcome") {
      if ((incoming.user != null) === target.expectUser) welcomed();
      else refused(new Error(`welcome user ${JSON.stringify(incoming.user)}, expected ${target.expectUser ? "a user" : "none"}`));
    } else if (incoming.kind === "refused") refused(new Error(`refused: ${event.data}`));
  });
  return socket;
}

/** Opens `count` sockets, at most `parallel` handshakes at a time; each is welcomed before it counts. */
export async function openMany(target: Target, cookies: string[], count: number, parallel = 100, offset = 0): Promise<ClientSocket[]> {
  const sockets: ClientSocket[] = new Array(count);
  let next = 0;
  async function opener(): Promise<void> {
    while (next < count) {
      const index = next++;
      const socket = openClientSocket(target, cookies.length ? cookies[(offset + index) % cookies.length] : undefined);
      await socket.welcome;
      sockets[index] = socket;
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, opener));
  return sockets;
}
