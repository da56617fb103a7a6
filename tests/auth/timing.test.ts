// Sign-in timing (AUTH-1): an unknown username and a wrong password get the same answer in the
// same time, over HTTPS and over the socket. A statistical check with a generous bound, not a
// speed test: medians of interleaved samples, so drift affects both kinds alike.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { registerOverHttp, request } from "../helpers/http.ts";
import { makePkcePair } from "../helpers/pkce.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket } from "../helpers/ws.ts";

const SAMPLES = 30;
const WARM_UP = 3;
// The slower median may be at most this much above the faster one.
const MAX_RATIO = 1.2;
// On a loaded machine one sample of 30 + 30 can stray past the bound by noise alone; a second,
// fresh sample is taken before failing. A real leak (no dummy hash: about 10x) fails both.
const ATTEMPTS = 2;
const PASSWORD = "correct horse battery staple";
const WRONG = "not the right password at all";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    // Up to 2 attempts x (3 + 30) failures per account stay under the free allowance: no back-off.
    LATCH_THROTTLE_ACCOUNT_FREE_FAILURES: "100",
    LATCH_WS_MESSAGES_PER_SECOND: "1000",
    LATCH_WS_BURST_MESSAGES: "1000",
  });
  await registerOverHttp(server.origin, "timing-http", PASSWORD);
  await registerOverHttp(server.origin, "timing-ws", PASSWORD);
});
afterAll(() => server.stop());

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Attempt {
  ms: number;
  /** What the client sees: must be the same for both kinds. */
  answer: string;
}

/** Runs `attempt` for unknown, wrong, unknown, wrong, ...; returns both kinds' samples. */
async function interleaved(attempt: (kind: "unknown" | "wrong", i: number) => Promise<Attempt>) {
  for (let i = 0; i < WARM_UP; i++) {
    await attempt("unknown", -1 - i);
    await attempt("wrong", -1 - i);
  }
  const samples = { unknown: [] as Attempt[], wrong: [] as Attempt[] };
  for (let i = 0; i < SAMPLES; i++) {
    samples.unknown.push(await attempt("unknown", i));
    samples.wrong.push(await attempt("wrong", i));
  }
  return samples;
}

/** Same answer for both kinds, and medians within MAX_RATIO (on one of ATTEMPTS fresh samples). */
async function expectSameCost(label: string, attempt: (kind: "unknown" | "wrong", i: number) => Promise<Attempt>): Promise<Attempt> {
  let ratio = Infinity;
  let first: Attempt | undefined;
  for (let round = 1; round <= ATTEMPTS && ratio >= MAX_RATIO; round++) {
    const samples = await interleaved(attempt);
    first ??= samples.unknown[0];
    const answers = new Set([...samples.unknown, ...samples.wrong].map((a) => a.answer));
    expect([...answers]).toHaveLength(1);
    const unknown = median(samples.unknown.map((a) => a.ms));
    const wrong = median(samples.wrong.map((a) => a.ms));
    ratio = Math.max(unknown, wrong) / Math.min(unknown, wrong);
    console.log(`[AUTH-1] ${label} #${round}: median unknown user ${unknown.toFixed(1)} ms, wrong password ${wrong.toFixed(1)} ms, ratio ${ratio.toFixed(3)}`);
  }
  expect(ratio).toBeLessThan(MAX_RATIO);
  return first!;
}

describe("[AUTH-1] unknown user and wrong password cost the same", () => {
  test("[AUTH-1] over HTTPS: same status and body, medians of 30 + 30 within 20%", async () => {
    let round = 0;
    const first = await expectSameCost("HTTPS", async (kind, i) => {
      if (i === -1 && kind === "unknown") round++;
      const username = kind === "unknown" ? `nobody-http-${round}-${i}` : "timing-http";
      const started = performance.now();
      const response = await request(server.origin, "POST", "/auth/login", { json: { username, password: WRONG } });
      const body = await response.text();
      const ms = performance.now() - started;
      return { ms, answer: `${response.status} ${body}` };
    });
    expect(first.answer).toStartWith("401 ");
  }, 60_000);

  test("[AUTH-1] over the socket: same reply, medians of 30 + 30 within 20%", async () => {
    const socket = await openSocket(server.wsUrl);
    await socket.next();
    let id = 1;
    let round = 0;
    const first = await expectSameCost("socket", async (kind, i) => {
      if (i === -1 && kind === "unknown") round++;
      const username = kind === "unknown" ? `nobody-ws-${round}-${i}` : "timing-ws";
      const { challenge } = await makePkcePair();
      const message = { type: "login", id: id++, username, password: WRONG, challenge };
      const started = performance.now();
      const reply = await socket.call(message);
      const ms = performance.now() - started;
      const { id: _id, ...rest } = reply;
      return { ms, answer: JSON.stringify(rest) };
    });
    expect(JSON.parse(first.answer)).toEqual({
      type: "result",
      ok: false,
      error: { code: "invalid_credentials", message: "Wrong username or password." },
    });
    socket.ws.close();
  }, 60_000);
});
