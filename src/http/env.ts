// The types every HTTP handler sees: the Bun server as c.env, the session as c.var.
import type { Server } from "bun";
import type { ClientInfo, PublicUser } from "../auth/context.ts";
import type { SessionInfo } from "../auth/sessions.ts";

export interface AppEnv {
  Bindings: { server: Server<unknown> };
  Variables: {
    client: ClientInfo;
    user: PublicUser | null;
    session: SessionInfo | null;
  };
}
