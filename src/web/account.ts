// The account page: sessions (revoke one, sign out everywhere), password change, recent events.
import type { Latch } from "../client/index.ts";
import { $, describeDevice, describeError, element, fieldValue, formatTime, showFormError, submitting } from "./dom.ts";
import { callApi, type EventView, type SessionView } from "./api.ts";

const EVENT_LABELS: Record<string, string> = {
  register: "Account created",
  login: "Signed in",
  login_failed: "Failed sign-in",
  logout: "Signed out",
  session_revoked: "Session revoked",
  password_changed: "Password changed",
  ticket_refused: "Refused sign-in ticket",
};

/** Wires the account page; returns `refresh`, called whenever the page is shown. */
export function setUpAccount(latch: Latch): { refresh(): Promise<void> } {
  const passwordForm = $<HTMLFormElement>("#password-form");
  passwordForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void submitting(passwordForm, async () => {
      await callApi("POST", "/auth/password", {
        currentPassword: fieldValue(passwordForm, "currentPassword"),
        newPassword: fieldValue(passwordForm, "newPassword"),
      });
      passwordForm.reset();
      const ok = $(".ok", passwordForm);
      ok.textContent = "Password changed. Every other session was signed out.";
      ok.hidden = false;
      await refresh();
    });
  });
  $("#logout-all").addEventListener("click", () => {
    void callApi("POST", "/auth/logout-all").then(() => latch.logout(), () => undefined);
  });

  async function revoke(session: SessionView): Promise<void> {
    try {
      await callApi("DELETE", `/auth/sessions/${encodeURIComponent(session.id)}`);
      if (session.current) await latch.logout();
      else await refresh();
    } catch (error) {
      showFormError(passwordForm, describeError(error));
    }
  }

  async function refresh(): Promise<void> {
    const [{ sessions }, { events }] = await Promise.all([
      callApi<{ sessions: SessionView[] }>("GET", "/auth/sessions"),
      callApi<{ events: EventView[] }>("GET", "/auth/events"),
    ]);
    $("#sessions").replaceChildren(...sessions.map((session) => renderSession(session, revoke)));
    $("#events").replaceChildren(...events.map(renderEvent));
  }
  return { refresh };
}

function renderSession(session: SessionView, revoke: (session: SessionView) => Promise<void>): HTMLElement {
  const item = element("li");
  item.dataset.sessionId = session.id;
  const text = element("div");
  const title = element("div", describeDevice(session.userAgent));
  if (session.current) title.append(" ", element("span", "· this device", "this"));
  text.append(title, element("div", `${session.ip ?? "unknown ip"} · signed in ${formatTime(session.createdAt)} · last seen ${formatTime(session.lastSeenAt)}`, "meta"));
  const button = element("button", session.current ? "Sign out" : "Revoke", "secondary");
  button.addEventListener("click", () => void revoke(session));
  item.append(text, button);
  return item;
}

function renderEvent(event: EventView): HTMLElement {
  const item = element("li");
  item.append(
    element("div", EVENT_LABELS[event.type] ?? event.type),
    element("div", `${formatTime(event.at)} · ${event.ip ?? "unknown ip"} · ${describeDevice(event.userAgent)}`, "meta"),
  );
  return item;
}
