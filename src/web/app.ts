// The demo page: connection state, the sign-in forms, the chat and the account page.
import { connectLatch, type LatchState, type UserView } from "../client/index.ts";
import { setUpAccount } from "./account.ts";
import { setUpAuthForms } from "./auth-forms.ts";
import { setUpChat } from "./chat.ts";
import { $ } from "./dom.ts";

const latch = connectLatch();
const chat = setUpChat(latch);
const account = setUpAccount(latch);
setUpAuthForms(latch);

const STATE_TEXT: Record<LatchState, (user: UserView | null) => string> = {
  connecting: () => "connecting…",
  anonymous: () => "signed out",
  authenticated: (user) => `signed in as ${user?.username ?? "?"}`,
  reconnecting: () => "reconnecting…",
  closed: () => "closed",
};

function render(): void {
  const badge = $("#connection");
  badge.dataset.state = latch.state;
  badge.textContent = STATE_TEXT[latch.state](latch.user);
  const signedIn = latch.user !== null;
  // While reconnecting the last known view stays, so a network blip does not flash the forms.
  if (latch.state === "connecting") return;
  $("#signed-in").hidden = !signedIn;
  $("#signed-out").hidden = signedIn;
  if (!signedIn) chat.reset();
}

function showTab(name: string): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>("[data-tab]")) {
    const selected = button.dataset.tab === name;
    button.setAttribute("aria-selected", String(selected));
    $(`#tab-${button.dataset.tab}`).hidden = !selected;
  }
  if (name === "account") void account.refresh();
}

for (const button of document.querySelectorAll<HTMLButtonElement>("[data-tab]")) {
  button.addEventListener("click", () => showTab(button.dataset.tab ?? "chat"));
}
$("#logout").addEventListener("click", () => void latch.logout());
latch.on("connection", ({ state }) => {
  render();
  // Each new authenticated socket (sign-in, reload, reconnect) joins the room afresh.
  if (state === "authenticated") chat.join().catch(() => undefined);
});
latch.on("authenticated", () => {
  render();
  showTab("chat");
});
latch.on("session-ended", render);
render();
