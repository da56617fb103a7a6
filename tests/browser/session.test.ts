// The demo page in real Chromium: sign-up, the cookie the script cannot see, and sign-outs that
// reach other tabs and other devices live, without a reload.
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  badgeText,
  newDevice,
  openDemo,
  ProblemLog,
  screenshot,
  signIn,
  signUp,
  uniqueName,
  waitForBadge,
  WAIT_MS,
  useBrowserSuite,
} from "../helpers/browser.ts";

// How fast a sign-out elsewhere must show on a page that is open (the brief's "live").
const LIVE_MS = 2000;

const suite = useBrowserSuite();
const problems = new ProblemLog();

// Frames of every socket the page opens from now on, as text, in order.
function recordSockets(page: Page): { received: string[]; sent: string[] }[] {
  const sockets: { received: string[]; sent: string[] }[] = [];
  page.on("websocket", (ws) => {
    const frames = { received: [] as string[], sent: [] as string[] };
    sockets.push(frames);
    ws.on("framereceived", (frame) => frames.received.push(String(frame.payload)));
    ws.on("framesent", (frame) => frames.sent.push(String(frame.payload)));
  });
  return sockets;
}

// A mark in the page's memory: still there later means the page was not reloaded.
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __mark: number }).__mark = 1));
}
function isMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __mark?: number }).__mark === 1);
}

async function showsSignInForms(page: Page): Promise<boolean> {
  return (await page.locator("#signed-out").isVisible()) && (await page.locator("#signed-in").isHidden());
}

async function until(condition: () => boolean, timeoutMs = WAIT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}

describe("sign-up and reload", () => {
  test("signing up through the form shows 'signed in as <name>'; after a reload the socket is signed in at its handshake", async () => {
    const context = await newDevice(suite.browser, problems);
    try {
      const page = await openDemo(context, suite.server.origin);
      expect(await badgeText(page)).toBe("signed out");
      expect(await showsSignInForms(page)).toBe(true);
      await screenshot(page, "signed-out");

      const name = uniqueName("ada");
      await signUp(page, name);
      expect(await page.locator("#signed-in").isVisible()).toBe(true);
      expect(await page.locator("#register-form").isHidden()).toBe(true);

      const sockets = recordSockets(page);
      await page.reload();
      await waitForBadge(page, `signed in as ${name}`);
      expect(await page.locator("#chat-form").isVisible()).toBe(true);
      // The new socket's very first frame already names the user: the cookie signed it in at
      // the handshake, and the page sent no sign-in message of any kind.
      expect(sockets).toHaveLength(1);
      const welcome = JSON.parse(sockets[0]!.received[0] ?? "null");
      expect(welcome).toMatchObject({ type: "welcome", user: { username: name } });
      const sentTypes = sockets[0]!.sent.map((frame) => JSON.parse(frame).type);
      for (const type of ["register", "login", "login.complete"]) expect(sentTypes).not.toContain(type);
      // Server side: exactly one live socket is bound to the user (the pre-reload one closed).
      const userId = welcome.user.id as string;
      expect(await until(() => suite.server.running.registry.socketsOfUser(userId).length === 1)).toBe(true);
    } finally {
      await context.close();
    }
  });
});

describe("the session cookie", () => {
  test("is invisible to document.cookie but stored HttpOnly, Secure, SameSite=Lax", async () => {
    const context = await newDevice(suite.browser, problems);
    try {
      const page = await openDemo(context, suite.server.origin);
      await signUp(page, uniqueName("cookie"));
      const visibleToScript = await page.evaluate(() => document.cookie);
      expect(visibleToScript).not.toContain("__Host-latch_session");
      // No token parked anywhere else script can read either.
      expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);

      const cookies = await context.cookies(suite.server.origin);
      const session = cookies.find((cookie) => cookie.name === "__Host-latch_session");
      expect(session).toBeDefined();
      expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/", domain: "127.0.0.1" });
      expect(session!.value.length).toBeGreaterThan(20);
    } finally {
      await context.close();
    }
  });
});

describe("signing out reaches every page live", () => {
  test("Sign out in one tab: the other tab of the same browser shows 'signed out' within 2 s, without a reload", async () => {
    const context = await newDevice(suite.browser, problems);
    try {
      const name = uniqueName("tabs");
      const tabA = await openDemo(context, suite.server.origin);
      await signUp(tabA, name);
      const tabB = await openDemo(context, suite.server.origin);
      await waitForBadge(tabB, `signed in as ${name}`);
      await markPage(tabB);

      await tabA.locator("#logout").click();
      await waitForBadge(tabB, "signed out", LIVE_MS);
      expect(await isMarked(tabB)).toBe(true);
      expect(await showsSignInForms(tabB)).toBe(true);
      await waitForBadge(tabA, "signed out");
      expect(await showsSignInForms(tabA)).toBe(true);
      expect((await context.cookies(suite.server.origin)).map((cookie) => cookie.name)).not.toContain("__Host-latch_session");
    } finally {
      await context.close();
    }
  });

  test("Revoke on the account page: the other device shows 'signed out' within 2 s, without a reload", async () => {
    const deviceA = await newDevice(suite.browser, problems);
    const deviceB = await newDevice(suite.browser, problems);
    try {
      const name = uniqueName("devices");
      const pageA = await openDemo(deviceA, suite.server.origin);
      await signUp(pageA, name);
      const pageB = await openDemo(deviceB, suite.server.origin);
      await signIn(pageB, name);
      await markPage(pageB);

      await pageA.locator("[data-tab=account]").click();
      const sessions = pageA.locator("#sessions li");
      await pageA.waitForFunction(() => document.querySelectorAll("#sessions li").length === 2, null, { timeout: WAIT_MS });
      const current = sessions.filter({ hasText: "this device" });
      const other = sessions.filter({ hasNotText: "this device" });
      expect(await current.count()).toBe(1);
      expect(await other.count()).toBe(1);
      const otherId = await other.getAttribute("data-session-id");
      expect(otherId).toBeTruthy();
      expect(otherId).not.toBe(await current.getAttribute("data-session-id"));
      await screenshot(pageA, "account");

      await other.getByRole("button", { name: "Revoke" }).click();
      await waitForBadge(pageB, "signed out", LIVE_MS);
      expect(await isMarked(pageB)).toBe(true);
      expect(await showsSignInForms(pageB)).toBe(true);
      await screenshot(pageB, "revoked-signed-out");

      // The device that revoked stays signed in, and its list now holds only itself.
      expect(await badgeText(pageA)).toBe(`signed in as ${name}`);
      await pageA.waitForFunction(() => document.querySelectorAll("#sessions li").length === 1, null, { timeout: WAIT_MS });
      expect(await sessions.first().innerText()).toContain("this device");
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
