// The sign-in and sign-up forms: both go over the socket through the client library.
import type { Latch } from "../client/index.ts";
import { $, fieldValue, submitting } from "./dom.ts";

/** Wires the two forms to `latch.login` and `latch.register`. */
export function setUpAuthForms(latch: Latch): void {
  for (const [selector, action] of [
    ["#login-form", (u: string, p: string) => latch.login(u, p)],
    ["#register-form", (u: string, p: string) => latch.register(u, p)],
  ] as const) {
    const form = $<HTMLFormElement>(selector);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void submitting(form, async () => {
        await action(fieldValue(form, "username"), fieldValue(form, "password"));
        form.reset();
      });
    });
  }
}
