// Cross-site WebSocket hijacking in a real browser: a page from another origin, in a browser that
// holds a Latch session cookie, tries to open Latch's socket and gets none.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import type { Browser } from "playwright-core";
import { launchBrowser, newDevice, openDemo, ProblemLog, screenshot, signUp, uniqueName, waitForBadge, waitForText } from "../helpers/browser.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let foreign: Server<unknown>;
let browser: Browser;
const problems = new ProblemLog();

// The attacker's page: opens Latch's socket and writes every event it gets into #events.
function attackerPage(wsUrl: string): string {
  return `<!doctype html>
<title>Another site</title>
<p id="events"></p>
<script>
  const seen = [];
  const events = document.getElementById("events");
  const note = (what) => { seen.push(what); window.socketEvents = seen; events.textContent = seen.join(" "); };
  const ws = new WebSocket(${JSON.stringify(wsUrl)});
  ws.onopen = () => note("open");
  ws.onmessage = (event) => note("message:" + event.data);
  ws.onerror = () => note("error");
  ws.onclose = (event) => note("close:" + event.code);
</script>`;
}

beforeAll(async () => {
  server = await startTestServer();
  foreign = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response(attackerPage(server.wsUrl), { headers: { "content-type": "text/html; charset=utf-8" } }),
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await foreign?.stop(true);
  await server?.stop();
});

describe("a page from another origin", () => {
  test("gets no socket (error and close, never open) even though this browser is signed in to Latch", async () => {
    const context = await newDevice(browser, problems);
    try {
      const name = uniqueName("victim");
      const latchPage = await openDemo(context, server.origin);
      await signUp(latchPage, name);
      expect((await context.cookies(server.origin)).map((cookie) => cookie.name)).toContain("__Host-latch_session");
      const socketsBefore = server.running.registry.size().sockets;

      const page = await context.newPage();
      await page.goto(foreign.url.href);
      expect(new URL(page.url()).origin).not.toBe(server.origin);
      await waitForText(page, "#events", /close:/);
      const seen = await page.evaluate(() => (window as unknown as { socketEvents: string[] }).socketEvents);
      expect(seen).toEqual(["error", "close:1006"]);
      await screenshot(page, "foreign-origin-refused");

      // Refused at the handshake (HTTP 403), not by TLS: the same browser's Latch page holds a
      // socket to the same URL, and the server tracked no new one.
      const foreignErrors = problems.entries.filter((entry) => entry.url.startsWith(foreign.url.origin)).map((entry) => entry.text);
      expect(foreignErrors.join("\n")).toContain("403");
      expect(server.running.registry.size().sockets).toBe(socketsBefore);
      await waitForBadge(latchPage, `signed in as ${name}`);
    } finally {
      await context.close();
    }
  });
});

describe("strict CSP", () => {
  test("no Latch page above reported a CSP violation, a console error or an uncaught error", () => {
    expect(problems.cspViolations()).toEqual([]);
    expect(problems.fromOrigin(server.origin)).toEqual([]);
  });
});
