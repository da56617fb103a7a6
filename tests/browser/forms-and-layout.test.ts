// The demo page in real Chromium: the server's error sentences on the forms, a phone-sized layout
// without sideways scrolling, and the strict CSP (with a canary proving violations are seen).
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  badgeText,
  newDevice,
  openDemo,
  pageWidths,
  ProblemLog,
  screenshot,
  signUp,
  submitAuthForm,
  uniqueName,
  waitForText,
  GOOD_PASSWORD,
  WAIT_MS,
  useBrowserSuite
} from "../helpers/browser.ts";
import { registerOverHttp } from "../helpers/http.ts";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const suite = useBrowserSuite();
const problems = new ProblemLog();

// scrollWidth <= innerWidth, and innerWidth still the phone's width (not zoomed out to fit).
async function expectNoSidewaysScroll(page: Page, state: string): Promise<void> {
  const width = PHONE.viewport.width;
  const widths = await pageWidths(page);
  expect({ state, ...widths }).toEqual({ state, scrollWidth: Math.min(widths.scrollWidth, width), innerWidth: width, clientWidth: width });
}

describe("errors on the forms", () => {
  test("a too-short password on sign-up shows the policy; a wrong password on sign-in shows 'Wrong username or password.'", async () => {
    const context = await newDevice(suite.browser, problems);
    try {
      const page = await openDemo(context, suite.server.origin);
      await submitAuthForm(page, "register", uniqueName("shorty"), "too short");
      await waitForText(page, "#register-form .error", "Use at least 12 characters.");
      expect(await page.locator("#register-form .error").isVisible()).toBe(true);

      const existing = uniqueName("known");
      await registerOverHttp(suite.server.origin, existing, GOOD_PASSWORD);
      await submitAuthForm(page, "login", existing, "not the right password");
      await waitForText(page, "#login-form .error", "Wrong username or password.");
      expect(await page.locator("#login-form .error").isVisible()).toBe(true);
      expect(await badgeText(page)).toBe("signed out");
      // The buttons come back for the next try.
      expect(await page.locator("#login-form button[type=submit]").isEnabled()).toBe(true);
      await screenshot(page, "form-error");
    } finally {
      await context.close();
    }
  });
});

describe("phone-sized viewport (390 x 844)", () => {
  test("signed-out, chat and account pages do not scroll sideways", async () => {
    const context = await newDevice(suite.browser, problems, PHONE);
    try {
      const page = await openDemo(context, suite.server.origin);
      await expectNoSidewaysScroll(page, "signed out");
      await screenshot(page, "phone-signed-out");

      await signUp(page, uniqueName("phone"));
      await page.locator("#chat-form input[name=text]").fill(`a long word without spaces ${"x".repeat(120)}`);
      await page.locator("#chat-form button[type=submit]").click();
      await page.waitForFunction(() => document.querySelectorAll("#messages li").length === 1, null, { timeout: WAIT_MS });
      await expectNoSidewaysScroll(page, "signed in, chat");
      await screenshot(page, "phone-signed-in");

      await page.locator("[data-tab=account]").click();
      await page.waitForFunction(() => document.querySelectorAll("#sessions li").length === 1, null, { timeout: WAIT_MS });
      await expectNoSidewaysScroll(page, "signed in, account");
      await screenshot(page, "phone-account");
    } finally {
      await context.close();
    }
  });

  test("the badge of a user with a 32-character name (the longest allowed) does not push the page sideways", async () => {
    const context = await newDevice(suite.browser, problems, PHONE);
    try {
      const page = await openDemo(context, suite.server.origin);
      const longest = `phone-${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`;
      expect(longest).toHaveLength(32);
      await signUp(page, longest);
      await screenshot(page, "phone-signed-in-long-name");
      await expectNoSidewaysScroll(page, "signed in with a 32-character name");
    } finally {
      await context.close();
    }
  });
});

describe("strict CSP", () => {
  test("the page is served with a strict policy, and the watcher sees a violation (canary)", async () => {
    const canary = new ProblemLog();
    const context = await newDevice(suite.browser, canary);
    try {
      const page = await context.newPage();
      const response = await page.goto(`${suite.server.origin}/`);
      const policy = response?.headers()["content-security-policy"] ?? "";
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("style-src 'self'");
      expect(policy).not.toContain("unsafe-inline");
      await page.evaluate(() => {
        const image = document.createElement("img");
        image.src = "http://127.0.0.1:9/not-allowed.png";
        document.body.append(image);
      });
      const deadline = Date.now() + WAIT_MS;
      while (canary.entries.filter((entry) => entry.kind === "csp").length === 0 && Date.now() < deadline) await Bun.sleep(20);
      expect(canary.cspViolations().map((entry) => entry.text).join("\n")).toContain("img-src");
    } finally {
      await context.close();
    }
  });

  test("no page above reported a CSP violation, a console error or an uncaught error", () => {
    expect(problems.cspViolations()).toEqual([]);
    expect(problems.fromOrigin(suite.server.origin)).toEqual([]);
  });
});
