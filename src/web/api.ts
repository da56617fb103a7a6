// The account API calls the demo makes over HTTPS (same origin, the HttpOnly cookie rides along).
import { LatchError } from "../client/index.ts";

export interface SessionView {
  id: string;
  current: boolean;
  createdAt: number;
  lastSeenAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface EventView {
  type: string;
  at: number;
  ip: string | null;
  userAgent: string | null;
}

/** Calls `path` and returns its JSON (or null for 204); throws LatchError with the server's message. */
export async function callApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new LatchError("network_error", "Could not reach the server.");
  }
  if (response.status === 204) return null as T;
  const json = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!response.ok) throw new LatchError(json?.error?.code ?? "bad_response", json?.error?.message ?? `HTTP ${response.status}`, response.status);
  return json as T;
}
