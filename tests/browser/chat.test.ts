// The demo chat in real Chromium: a message typed by one user shows on another user's page, under
// the sender's name as the server knows it; a page cannot choose its own sender name.
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { newDevice, openDemo, ProblemLog, screenshot, signUp, uniqueName, waitForText, WAIT_MS, useBrowserSuite } from "../helpers/browser.ts";

const suite = useBrowserSuite();
const problems = new ProblemLog();

// The chat lines a page shows, as {from, text}.
function chatLines(page: Page): Promise<{ from: string; text: string }[]> {
  return page.$$eval("#messages li", (items) =>
    items.map((item) => ({ from: item.querySelector(".from")?.textContent ?? "", text: item.children[1]?.textContent ?? "" })),
  );
}

async function waitForLine(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (text) => [...document.querySelectorAll("#messages li")].some((item) => item.children[1]?.textContent === text),
    text,
    { timeout: WAIT_MS },
  );
}

// From a signed-in page, its own extra socket (same origin, so the cookie signs it in) sends raw
// frames, as a script injected into the page could; returns the server's replies.
function sendRawFrames(page: Page, frames: Record<string, unknown>[]): Promise<Record<string, any>[]> {
  return page.evaluate(
    ({ frames, timeoutMs }) =>
      new Promise<Record<string, any>[]>((resolve, reject) => {
        const ws = new WebSocket(`wss://${location.host}/ws`);
        const replies: Record<string, any>[] = [];
        const timer = setTimeout(() => (ws.close(), reject(new Error(`raw socket: ${JSON.stringify(replies)}`))), timeoutMs);
        ws.onmessage = (event) => {
          const message = JSON.parse(String(event.data));
          if (message.type === "welcome") {
            if (!message.user) return reject(new Error("raw socket is not signed in"));
            for (const frame of frames) ws.send(JSON.stringify(frame));
          }
          if (message.type === "result") replies.push(message);
          if (replies.length === frames.length) {
            clearTimeout(timer);
            ws.close();
            resolve(replies);
          }
        };
      }),
    { frames, timeoutMs: WAIT_MS },
  );
}

describe("chat between two users", () => {
  test("a message sent through #chat-form shows on the other user's page under the sender's name", async () => {
    const deviceA = await newDevice(suite.browser, problems);
    const deviceB = await newDevice(suite.browser, problems);
    try {
      const alice = uniqueName("alice");
      const bob = uniqueName("bob");
      const pageA = await openDemo(deviceA, suite.server.origin);
      await signUp(pageA, alice);
      const pageB = await openDemo(deviceB, suite.server.origin);
      await signUp(pageB, bob);
      // Presence: each sees the other online.
      await waitForText(pageB, "#presence", new RegExp(alice));
      await waitForText(pageA, "#presence", new RegExp(bob));

      const text = `hello from ${alice} <b>not bold</b>`;
      await pageA.locator("#chat-form input[name=text]").fill(text);
      await pageA.locator("#chat-form button[type=submit]").click();
      await waitForLine(pageB, text);
      expect(await chatLines(pageB)).toContainEqual({ from: alice, text });
      // Shown as text, never parsed as markup.
      expect(await pageB.locator("#messages b").count()).toBe(0);
      await waitForLine(pageA, text);
      expect(await pageA.locator("#chat-form input[name=text]").inputValue()).toBe("");

      const reply = `hi ${alice}, ${bob} here`;
      await pageB.locator("#chat-form input[name=text]").fill(reply);
      await pageB.locator("#chat-form input[name=text]").press("Enter");
      await waitForLine(pageA, reply);
      expect(await chatLines(pageA)).toContainEqual({ from: bob, text: reply });
      await screenshot(pageB, "signed-in-chat");
    } finally {
      await deviceA.close();
      await deviceB.close();
    }
  });

  test("the sender name is the server's: a raw frame with a forged `from` is refused, a plain one shows the real name", async () => {
    const deviceA = await newDevice(suite.browser, problems);
    const deviceB = await newDevice(suite.browser, problems);
    try {
      const alice = uniqueName("alice");
      const bob = uniqueName("bob");
      const pageA = await openDemo(deviceA, suite.server.origin);
      await signUp(pageA, alice);
      const pageB = await openDemo(deviceB, suite.server.origin);
      await signUp(pageB, bob);

      const forged = `forged ${crypto.randomUUID()}`;
      const honest = `honest ${crypto.randomUUID()}`;
      const replies = await sendRawFrames(pageA, [
        { type: "chat.join", id: 0 },
        { type: "chat.send", id: 1, text: forged, from: bob },
        { type: "chat.send", id: 2, text: honest },
      ]);
      expect(replies.find((reply) => reply.id === 0)).toMatchObject({ ok: true });
      expect(replies.find((reply) => reply.id === 1)).toMatchObject({ ok: false, error: { code: "bad_request" } });
      expect(replies.find((reply) => reply.id === 2)).toMatchObject({ ok: true });

      // The honest line arrives under alice's name; the forged one (sent before it on the same
      // socket) never arrives at all.
      await waitForLine(pageB, honest);
      const lines = await chatLines(pageB);
      expect(lines).toContainEqual({ from: alice, text: honest });
      expect(lines.map((line) => line.text)).not.toContain(forged);
      expect(lines.filter((line) => line.from === bob)).toEqual([]);
    } finally {
      await deviceA.close();
      await deviceB.close();
    }
  });
});

describe("strict CSP", () => {
  test("no page above reported a CSP violation, a console error or an uncaught error", () => {
    expect(problems.cspViolations()).toEqual([]);
    expect(problems.fromOrigin(suite.server.origin)).toEqual([]);
  });
});
