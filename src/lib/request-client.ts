// Who sent a request: the client's ip and the user agent, for the audit log, throttling and
// the session list.
import type { Server } from "bun";
import { isIP } from "node:net";

/**
 * The client's ip and user agent. The ip is the connection's, unless the connection comes from
 * a trusted proxy: then it is the right-most X-Forwarded-For entry that is not itself a trusted
 * proxy (entries further left are whatever the client chose to send).
 */
export function readClientInfo(
  request: Request,
  server: Server<unknown>,
  trustedProxies: ReadonlySet<string>,
): { ip: string | null; userAgent: string | null } {
  let ip = server.requestIP(request)?.address ?? null;
  if (ip !== null && trustedProxies.has(ip)) {
    const forwarded = (request.headers.get("x-forwarded-for") ?? "").split(",").map((entry) => entry.trim());
    for (let i = forwarded.length - 1; i >= 0; i--) {
      const hop = forwarded[i]!;
      if (!isIP(hop)) break;
      ip = hop;
      if (!trustedProxies.has(hop)) break;
    }
  }
  return { ip, userAgent: request.headers.get("user-agent")?.slice(0, 512) ?? null };
}
