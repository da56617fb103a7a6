// The socket handshake: Origin allow-list first (WS-1), then the session cookie, then upgrade.
import type { Server } from "bun";
import type { AuthContext } from "../auth/context.ts";
import { validateSessionToken } from "../auth/sessions.ts";
import { readClientInfo } from "../lib/request-client.ts";
import { HSTS_VALUE, SESSION_COOKIE } from "../lib/web-constants.ts";
import { isAllowedOrigin } from "../lib/origin.ts";
import { generateId } from "../lib/tokens.ts";
import { newRateState, type RateLimit } from "./rate-limit.ts";
import type { SocketRegistry } from "./registry.ts";
import type { SocketData } from "./socket-data.ts";

const HSTS_HEADER = { "Strict-Transport-Security": HSTS_VALUE };

export interface UpgradeDeps {
  auth: AuthContext;
  registry: SocketRegistry;
  allowedOrigins: () => ReadonlySet<string>;
  trustedProxies: ReadonlySet<string>;
  rateLimit: RateLimit;
  socketsPerUser: number;
}

/** Upgrades `request` to a socket, or answers with the reason it may not have one. */
export async function upgradeSocket(
  request: Request,
  server: Server<SocketData>,
  deps: UpgradeDeps,
): Promise<Response | undefined> {
  // Cross-site WebSocket hijacking: browsers send cookies on cross-origin handshakes, so a
  // foreign or missing Origin is refused before the cookie is even looked at.
  if (!isAllowedOrigin(request.headers.get("origin"), deps.allowedOrigins())) {
    return refuse(403, "forbidden_origin", "This origin may not open a socket.");
  }
  const data: SocketData = {
    socketId: generateId(),
    client: readClientInfo(request, server as Server<unknown>, deps.trustedProxies),
    openedAt: Date.now(),
    user: null,
    sessionId: null,
    handshakeSession: null,
    authInFlight: false,
    anonymousTimer: null,
    rate: newRateState(deps.rateLimit),
    badFramesInARow: 0,
  };
  const token = new Bun.CookieMap(request.headers.get("cookie") ?? "").get(SESSION_COOKIE);
  if (token) {
    // No write on the handshake: the socket's activity reaches last_seen_at in the tracker's batches.
    const valid = await validateSessionToken(deps.auth, token, { touch: false });
    if (valid) {
      // WS-4: one user cannot hold an unbounded number of sockets in this process.
      if (deps.registry.socketsOfUser(valid.user.id).length >= deps.socketsPerUser) {
        return refuse(429, "too_many_sockets", `At most ${deps.socketsPerUser} connections per user.`);
      }
      data.user = valid.user;
      data.handshakeSession = valid.session;
    }
  }
  if (server.upgrade(request, { data, headers: HSTS_HEADER })) return undefined;
  return refuse(426, "upgrade_required", "This endpoint only speaks WebSocket.");
}

function refuse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: HSTS_HEADER });
}
