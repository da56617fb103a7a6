// HTTPS requests against a test server, the way a browser on the allowed origin sends them.

export interface RequestOptions {
  json?: unknown;
  body?: string;
  cookie?: string;
  /** Defaults to the server's own origin; null sends no Origin header. */
  origin?: string | null;
  headers?: Record<string, string>;
}

/** Sends one request; the self-signed test certificate is accepted. */
export function request(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const origin = options.origin === undefined ? base : options.origin;
  if (origin !== null) headers.origin = origin;
  if (options.cookie) headers.cookie = options.cookie;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  return fetch(new URL(path, base), { method, headers, body, tls: { rejectUnauthorized: false } });
}

/** The `name=value` pair of the session cookie a response sets, or null. */
export function sessionCookieFrom(response: Response): string | null {
  const header = response.headers.getSetCookie().find((line) => line.startsWith("__Host-latch_session="));
  const pair = header?.split(";")[0];
  return pair && pair !== "__Host-latch_session=" ? pair : null;
}

/** Registers a user over HTTP and returns the cookie pair. */
export async function registerOverHttp(base: string, username: string, password = "correct horse battery staple"): Promise<string> {
  const response = await request(base, "POST", "/auth/register", { json: { username, password } });
  const cookie = sessionCookieFrom(response);
  if (response.status !== 201 || !cookie) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return cookie;
}
