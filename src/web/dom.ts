// Small DOM helpers for the demo pages: look-ups, messages on forms, and readable values.

/** The element for `selector`; throws when the page does not have it (a bug in the page). */
export function $<T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T {
  const element = root.querySelector<T>(selector);
  if (!element) throw new Error(`missing element ${selector}`);
  return element;
}

/** Shows `message` in the form's `.error` line (or hides it when null). */
export function showFormError(form: HTMLElement, message: string | null): void {
  const line = $(".error", form);
  line.textContent = message ?? "";
  line.hidden = message === null;
}

/** The message an error should show a person: the server's own sentence when it has one. */
export function describeError(error: unknown): string {
  if (error instanceof Error && error.name === "LatchError") return error.message;
  return "Something went wrong; check your connection and try again.";
}

/** Runs `task` with the form's buttons disabled, showing its error if it fails. */
export async function submitting(form: HTMLFormElement, task: () => Promise<void>): Promise<void> {
  const buttons = form.querySelectorAll("button");
  buttons.forEach((button) => (button.disabled = true));
  showFormError(form, null);
  try {
    await task();
  } catch (error) {
    showFormError(form, describeError(error));
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

/** A form field's value. */
export function fieldValue(form: HTMLFormElement, name: string): string {
  const field = form.elements.namedItem(name);
  return field instanceof HTMLInputElement ? field.value : "";
}

/** "Chrome on Linux" from a user agent string, good enough for a session list. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent) ? "Edge" : /Firefox\//.test(userAgent) ? "Firefox" : /Chrom(e|ium)\//.test(userAgent) ? "Chrome" : /Safari\//.test(userAgent) ? "Safari" : "A browser";
  const system = /Android/.test(userAgent) ? "Android" : /iPhone|iPad/.test(userAgent) ? "iOS" : /Mac OS X/.test(userAgent) ? "macOS" : /Windows/.test(userAgent) ? "Windows" : /Linux/.test(userAgent) ? "Linux" : "an unknown system";
  return `${browser} on ${system}`;
}

/** A short local date and time. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A new element with text content (never HTML: user data is never parsed as markup). */
export function element(tag: string, text = "", className = ""): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}
