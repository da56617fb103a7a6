// TLS-2: the optional plain-HTTP port only redirects to HTTPS; it sets no cookie and serves nothing.
import type { Server } from "bun";

/** Starts the redirect server on `port`, sending every request to the same path on `httpsPort`. */
export function startRedirectServer(host: string, port: number, httpsPort: number): Server<unknown> {
  return Bun.serve({
    port,
    hostname: host,
    fetch(request) {
      const url = new URL(request.url);
      url.protocol = "https:";
      url.port = String(httpsPort);
      return new Response(null, { status: 308, headers: { location: url.href } });
    },
  });
}
