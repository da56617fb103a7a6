// Real WebSocket clients with three small promise helpers: opened, next message, closed.

export interface SocketOptions {
  origin?: string | null;
  cookie?: string;
}

export interface TestSocket {
  ws: WebSocket;
  /** The next message (parsed JSON), waiting up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<Record<string, any>>;
  /** Sends a JSON message. */
  send(message: unknown): void;
  /** Sends `message` and waits for the result with the same id. */
  call(message: { id: number } & Record<string, unknown>, timeoutMs?: number): Promise<Record<string, any>>;
  closed: Promise<{ code: number; reason: string }>;
  /** Every message received so far, in order. */
  received: Record<string, any>[];
}

/** Opens a socket; resolves once open, rejects if the handshake is refused. */
export function openSocket(url: string, options: SocketOptions = {}): Promise<TestSocket> {
  const headers: Record<string, string> = {};
  const origin = options.origin === undefined ? new URL(url.replace(/^wss:/, "https:")).origin : options.origin;
  if (origin !== null) headers.origin = origin;
  if (options.cookie) headers.cookie = options.cookie;
  // Bun's WebSocket takes headers and TLS options; the DOM typing of the constructor does not know them.
  const ws = new WebSocket(url, { headers, tls: { rejectUnauthorized: false } } as unknown as string[]);
  const received: Record<string, any>[] = [];
  const waiting: ((message: Record<string, any>) => void)[] = [];
  let cursor = 0;
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    received.push(message);
    const waiter = waiting.shift();
    if (waiter) {
      cursor++;
      waiter(message);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })),
  );
  const socket: TestSocket = {
    ws,
    received,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    next(timeoutMs = 5000) {
      if (cursor < received.length) return Promise.resolve(received[cursor++]!);
      return new Promise((resolve, reject) => {
        const waiter = (message: Record<string, any>) => {
          clearTimeout(timer);
          resolve(message);
        };
        // A waiter that timed out leaves the queue, so it cannot swallow the next message.
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error("no message within timeout"));
        }, timeoutMs);
        waiting.push(waiter);
      });
    },
    async call(message, timeoutMs = 10_000) {
      socket.send(message);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const reply = await socket.next(Math.max(1, deadline - Date.now()));
        if (reply.type === "result" && reply.id === message.id) return reply;
      }
    },
  };
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(socket), { once: true });
    ws.addEventListener("error", () => reject(new Error("handshake refused")), { once: true });
  });
}

/** The raw handshake response status, for checking refusals (403) without a WebSocket client. */
export async function handshakeStatus(url: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url.replace(/^wss:/, "https:"), {
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": btoa("0123456789abcdef"),
      ...headers,
    },
    tls: { rejectUnauthorized: false },
  });
  await response.body?.cancel();
  return response.status;
}
