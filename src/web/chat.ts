// The live panel: a chat room with presence, on the authenticated socket.
import type { Latch, LatchPush } from "../client/index.ts";
import { $, element, fieldValue, submitting } from "./dom.ts";

interface ChatLine {
  from: string;
  text: string;
  at: number;
}

/** Wires the chat form and renders the room's pushes; `join` on each authenticated connection. */
export function setUpChat(latch: Latch): { join(): Promise<void>; reset(): void } {
  const list = $("#messages");
  const form = $<HTMLFormElement>("#chat-form");

  function append(line: ChatLine): void {
    const item = element("li");
    item.append(element("span", line.from, "from"), element("span", line.text), element("time", new Date(line.at).toLocaleTimeString()));
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  latch.on("message", (push: LatchPush) => {
    if (push.type === "chat.message") append(push as unknown as ChatLine);
    if (push.type === "chat.presence") {
      $("#presence").replaceChildren(...(push.users as string[]).map((name) => element("li", name)));
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = fieldValue(form, "text");
    void submitting(form, async () => {
      await latch.request({ type: "chat.send", text });
      form.reset();
    });
  });

  return {
    async join() {
      const { history } = await latch.request({ type: "chat.join" });
      list.replaceChildren();
      for (const line of history as ChatLine[]) append(line);
    },
    reset() {
      list.replaceChildren();
      $("#presence").replaceChildren();
    },
  };
}
