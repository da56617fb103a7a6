// Load: socket sign-ins through the whole ticket handshake (login + PKCE challenge -> ticket ->
// POST /auth/ticket -> login.complete), `concurrency` at once, while a bystander socket that is
// already authenticated sends a ping every few milliseconds and times each reply.
import { createHash, randomBytes } from "node:crypto";
import { openClientSocket, readCookies, type Target } from "./client-socket.ts";
import { measureWindow, percentile } from "./cpu.ts";

export interface SignInConfig {
  target: Target;
  /** One account per concurrent sign-in loop. */
  accounts: { username: string; password: string }[];
  warmupMs: number;
  windowMs: number;
  bystanderIntervalMs: number;
}

type Message = Record<string, any>;

// One anonymous socket and its replies, read in order.
async function signInOnce(target: Target, account: { username: string; password: string }): Promise<void> {
  const wsUrl = `${target.base}/ws`;
  const ws = new WebSocket(wsUrl, { headers: { origin: target.origin } } as unknown as string[]);
  const queue: Message[] = [];
  let wake: (() => void) | null = null;
  ws.addEventListener("message", (event) => {
    queue.push(JSON.parse(event.data as string) as Message);
    wake?.();
  });
  const closed = new Promise<void>((resolve) => ws.addEventListener("close", () => (resolve(), wake?.())));
  const next = async (): Promise<Message> => {
    while (queue.length === 0) {
      if (ws.readyState === WebSocket.CLOSED) throw new Error("socket closed");
      await new Promise<void>((resolve) => (wake = resolve));
    }
    return queue.shift()!;
  };
  const reply = async (id: number): Promise<Message> => {
    for (;;) {
      const message = await next();
      if (message.type === "result" && message.id === id) return message;
    }
  };
  try {
    if ((await next()).type !== "welcome") throw new Error("no welcome");
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    ws.send(JSON.stringify({ type: "login", id: 1, username: account.username, password: account.password, challenge }));
    const ticketReply = await reply(1);
    if (!ticketReply.ok) throw new Error(`login refused: ${JSON.stringify(ticketReply)}`);
    const redeemed = await fetch(`${target.origin}/auth/ticket`, {
      method: "POST",
      headers: { origin: target.origin, "content-type": "application/json" },
      body: JSON.stringify({ ticket: ticketReply.ticket, verifier }),
    });
    await redeemed.arrayBuffer();
    if (redeemed.status !== 204) throw new Error(`redeem refused: ${redeemed.status}`);
    ws.send(JSON.stringify({ type: "login.complete", id: 2 }));
    const complete = await reply(2);
    if (!complete.ok || !complete.user) throw new Error(`complete refused: ${JSON.stringify(complete)}`);
  } finally {
    ws.close();
    await closed;
  }
}

/** Runs the sign-in loops and the bystander; sign-in figures and the bystander's latencies. */
export async function runSignIns({ target, accounts, warmupMs, windowMs, bystanderIntervalMs }: SignInConfig) {
  const [cookie] = readCookies(target);
  const bystander = openClientSocket(target, cookie);
  await bystander.welcome;
  const load = { done: 0, measuring: false };
  let errors = 0;
  let lastError = "";
  let stop = false;
  const signInMs: number[] = [];
  const bystanderMs: number[] = [];

  let pingId = 0;
  let sentAt = 0;
  let waiting = false;
  bystander.onResult = () => {
    if (load.measuring) bystanderMs.push(performance.now() - sentAt);
    waiting = false;
  };
  const ticker = setInterval(() => {
    if (waiting) return; // one in flight at a time; a late reply is counted when it comes
    waiting = true;
    sentAt = performance.now();
    bystander.ping(++pingId);
  }, bystanderIntervalMs);

  async function loop(account: { username: string; password: string }): Promise<void> {
    while (!stop) {
      const started = performance.now();
      try {
        await signInOnce(target, account);
      } catch (error) {
        errors++;
        lastError = String(error);
        await Bun.sleep(100);
        continue;
      }
      if (load.measuring) signInMs.push(performance.now() - started);
      load.done++;
    }
  }

  const loops = accounts.map(loop);
  const window = await measureWindow(target.serverPid, load, warmupMs, windowMs);
  stop = true;
  await Promise.all(loops);
  clearInterval(ticker);
  bystander.ws.close();
  await bystander.closed;
  return {
    ...window,
    p50Ms: percentile(signInMs, 50),
    p99Ms: percentile(signInMs, 99),
    bystanderPings: bystanderMs.length,
    bystanderP50Ms: percentile(bystanderMs, 50),
    bystanderP99Ms: percentile(bystanderMs, 99),
    bystanderMaxMs: Math.max(...bystanderMs),
    errors,
    lastError,
  };
}
