// Who sent a request: the connection's ip and the user agent, for the audit log and session list.
import type { Server } from "bun";

/** The client's ip (from the TCP connection) and user agent (trimmed to a sane length). */
export function readClientInfo(request: Request, server: Server<unknown>): { ip: string | null; userAgent: string | null } {
  return {
    ip: server.requestIP(request)?.address ?? null,
    userAgent: request.headers.get("user-agent")?.slice(0, 512) ?? null,
  };
}
