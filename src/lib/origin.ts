// Origin parsing and the allow-list check shared by the socket handshake and the HTTP API.

/** "https://Example.com:443" -> "https://example.com"; null unless it is a bare http(s) origin. */
export function normalizeOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  const web = url.protocol === "https:" || url.protocol === "http:";
  return bare && web ? url.origin : null;
}

/**
 * True only for an Origin header that equals an allowed origin exactly (scheme, host, port).
 * Browsers send origins already normalized, so anything else is refused. Stricter than oslo's
 * verifyRequestOrigin, which compares hosts only: an http:// page on the same host must not be
 * able to act for the https:// app (WS-1).
 */
export function isAllowedOrigin(origin: string | null | undefined, allowed: ReadonlySet<string>): boolean {
  return typeof origin === "string" && allowed.has(origin);
}

/** The server's own https origins: the names the self-signed certificate covers, plus `host`. */
export function serverOrigins(host: string, port: number): string[] {
  const names = ["localhost", "127.0.0.1", "[::1]"];
  const wildcard = host === "0.0.0.0" || host === "::";
  if (!wildcard) names.push(host.includes(":") ? `[${host}]` : host);
  return [...new Set(names.map((name) => new URL(`https://${name}:${port}`).origin))];
}
