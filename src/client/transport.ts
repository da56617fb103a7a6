// How the client reaches the server: the WebSocket and fetch it uses, and the URLs it derives.

/** The two browser capabilities the client needs; tests inject their own (e.g. with a cookie jar). */
export interface LatchTransport {
  /** Opens the socket; the browser sends the session cookie with the handshake. */
  createSocket(url: string): WebSocket;
  /** Calls the HTTPS API; the client always passes `credentials: "same-origin"`. */
  fetch(input: string, init: RequestInit): Promise<Response>;
}

/** The browser's own WebSocket and fetch (wrapped, so `fetch` is never called off `window`). */
export const browserTransport: LatchTransport = {
  createSocket: (url) => new WebSocket(url),
  fetch: (input, init) => fetch(input, init),
};

/** wss://<this page's host>/ws (ws:// only when the page itself is plain http). */
export function defaultSocketUrl(): string {
  return `${location.protocol === "http:" ? "ws:" : "wss:"}//${location.host}/ws`;
}

/** The HTTPS base of the API for a socket URL: wss://h/ws -> https://h, wss://h/latch/ws -> https://h/latch. */
export function httpBaseFor(socketUrl: string): string {
  const url = new URL(socketUrl);
  if (url.protocol !== "wss:" && url.protocol !== "ws:") throw new TypeError(`Latch: expected a ws:// or wss:// URL, got ${socketUrl}`);
  const path = url.pathname.replace(/\/ws\/?$/, "").replace(/\/$/, "");
  return `${url.protocol === "wss:" ? "https:" : "http:"}//${url.host}${path}`;
}
