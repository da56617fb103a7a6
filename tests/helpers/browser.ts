// Real Chromium against a real test server: devices (browser contexts), page waits, screenshots,
// and a log of CSP violations and console errors that every browser test file checks at its end.
import { afterAll, beforeAll } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startTestServer, type TestServer } from "./server.ts";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

/** Debian's chromium; CI installs it. `LATCH_TEST_CHROMIUM` points elsewhere (or nowhere, to see the failure). */
export const CHROMIUM_PATH = process.env.LATCH_TEST_CHROMIUM ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Every wait in the browser tests is bounded by this unless a test asks for less. */
export const WAIT_MS = 5000;

export const SCREENSHOT_DIR = join(import.meta.dir, "../../test-output/screenshots");

/** A passphrase the policy accepts (long, not common, not the username). */
export const GOOD_PASSWORD = "violet tractor sings at dawn";

/** Launches headless Chromium with a fresh temporary profile; fails clearly when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the browser tests need it (Debian: apt-get install chromium). ` +
        "Set LATCH_TEST_CHROMIUM to use another binary.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 15_000 });
}

export interface PageProblem {
  kind: "csp" | "console" | "pageerror";
  url: string;
  text: string;
}

/** What went wrong on pages, collected from every device of one test file. */
export class ProblemLog {
  readonly entries: PageProblem[] = [];

  add(problem: PageProblem): void {
    this.entries.push(problem);
  }

  /** CSP violations (the DOM event), and console lines that report one. */
  cspViolations(): PageProblem[] {
    return this.entries.filter((entry) => entry.kind === "csp" || /Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(entry.text));
  }

  /** Everything reported by pages of `origin` (uncaught errors and console errors included). */
  fromOrigin(origin: string): PageProblem[] {
    return this.entries.filter((entry) => entry.url.startsWith(origin));
  }
}

/** A new device: its own cookie jar, the dev certificate accepted, problems reported to `log`. */
export async function newDevice(browser: Browser, log: ProblemLog, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, ...options });
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS * 2);
  await context.exposeBinding("__reportCspViolation", ({ page }, text: string) => log.add({ kind: "csp", url: page.url(), text }));
  // Injected by the browser before any page script; not subject to the page's CSP.
  await context.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (event) => {
        const report = (window as unknown as { __reportCspViolation(text: string): void }).__reportCspViolation;
        void report(`${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber}`);
      },
      true,
    );
  });
  context.on("console", (message) => {
    if (message.type() === "error") log.add({ kind: "console", url: message.page()?.url() ?? "", text: message.text() });
  });
  context.on("weberror", (error) => log.add({ kind: "pageerror", url: error.page()?.url() ?? "", text: String(error.error()) }));
  return context;
}

/** Opens the demo page in `context` and waits until the client has connected (signed in or not). */
export async function openDemo(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await waitForBadge(page, /^(signed out|signed in as .+)$/);
  return page;
}

/** The `#connection` badge text. */
export function badgeText(page: Page): Promise<string> {
  return page.locator("#connection").innerText();
}

/** Waits until the badge reads `expected` (exact text or a pattern); fails with what it did say. */
export async function waitForBadge(page: Page, expected: string | RegExp, timeoutMs = WAIT_MS): Promise<void> {
  await waitForText(page, "#connection", expected, timeoutMs);
}

/** Waits until `selector`'s text matches; on timeout fails with the text it had. */
export async function waitForText(page: Page, selector: string, expected: string | RegExp, timeoutMs = WAIT_MS): Promise<void> {
  const pattern = typeof expected === "string" ? { source: `^${escapeRegExp(expected)}$`, flags: "" } : { source: expected.source, flags: expected.flags };
  try {
    await page.waitForFunction(
      ({ selector, source, flags }) => new RegExp(source, flags).test(document.querySelector(selector)?.textContent?.trim() ?? ""),
      { selector, ...pattern },
      { timeout: timeoutMs, polling: 25 },
    );
  } catch (error) {
    const actual = await page.locator(selector).first().textContent({ timeout: 500 }).catch(() => "(missing)");
    throw new Error(`${selector} did not read ${String(expected)} within ${timeoutMs} ms; it reads ${JSON.stringify(actual?.trim())}`, { cause: error });
  }
}

/** Fills and submits the demo's sign-up (`register`) or sign-in (`login`) form. */
export async function submitAuthForm(page: Page, form: "register" | "login", username: string, password: string): Promise<void> {
  const root = page.locator(`#${form}-form`);
  await root.locator("input[name=username]").fill(username);
  await root.locator("input[name=password]").fill(password);
  await root.locator("button[type=submit]").click();
}

/** Signs up through the page's form and waits for the badge to say so. */
export async function signUp(page: Page, username: string, password = GOOD_PASSWORD): Promise<void> {
  await submitAuthForm(page, "register", username, password);
  await waitForBadge(page, `signed in as ${username}`);
}

/** Signs in through the page's form and waits for the badge to say so. */
export async function signIn(page: Page, username: string, password = GOOD_PASSWORD): Promise<void> {
  await submitAuthForm(page, "login", username, password);
  await waitForBadge(page, `signed in as ${username}`);
}

/** A fresh valid username (lower case: the server folds case). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  return path;
}

/**
 * The widths that tell whether a page scrolls sideways. On a mobile viewport Chromium zooms out to
 * fit content that is too wide, so innerWidth grows with it: compare with the device's width too.
 */
export function pageWidths(page: Page): Promise<{ scrollWidth: number; innerWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One Latch server and one Chromium for a whole test file, started before and stopped after it. */
export function useBrowserSuite(): { server: TestServer; browser: Browser } {
  const suite = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    suite.server = await startTestServer();
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
