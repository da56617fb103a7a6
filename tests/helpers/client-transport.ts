// A browser stand-in for the client library under Bun: a cookie jar shared by fetch and WebSocket.
import type { LatchTransport } from "../../src/client/index.ts";

/** The cookies one "browser" holds, as name -> value. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  /** The `cookie` request header, or undefined when the jar is empty. */
  header(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") : undefined;
  }

  /** Applies a response's Set-Cookie lines (an empty value, Max-Age<=0 or a past Expires deletes). */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attributes.some((attribute) => {
        const [key = "", val = ""] = attribute.split("=");
        if (key.toLowerCase() === "max-age") return Number(val) <= 0;
        if (key.toLowerCase() === "expires") return Date.parse(val) <= Date.now();
        return false;
      });
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export interface JarTransport extends LatchTransport {
  jar: CookieJar;
  /** Sockets opened so far through this transport. */
  sockets: WebSocket[];
}

/** fetch and WebSocket that send `origin` and the jar's cookie and accept the self-signed certificate. */
export function cookieJarTransport(origin: string, jar = new CookieJar()): JarTransport {
  const sockets: WebSocket[] = [];
  const withBrowserHeaders = (headers?: HeadersInit) => {
    const merged = new Headers(headers);
    merged.set("origin", origin);
    const cookie = jar.header();
    if (cookie) merged.set("cookie", cookie);
    return merged;
  };
  return {
    jar,
    sockets,
    createSocket(url) {
      const headers = Object.fromEntries(withBrowserHeaders());
      // Bun's WebSocket takes headers and TLS options; the DOM typing of the constructor does not know them.
      const socket = new WebSocket(url, { headers, tls: { rejectUnauthorized: false } } as unknown as string[]);
      sockets.push(socket);
      return socket;
    },
    async fetch(input, init) {
      const response = await fetch(input, { ...init, headers: withBrowserHeaders(init.headers), tls: { rejectUnauthorized: false } });
      jar.store(response);
      return response;
    },
  };
}
