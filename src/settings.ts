// Config -> what each room is given: the domain's context and the socket limits.
import type { AuthContext } from "./auth/context.ts";
import { makeThrottlePolicies } from "./auth/throttle.ts";
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import { generateId } from "./lib/tokens.ts";
import type { SocketLimits } from "./ws/handlers.ts";

/** The domain's context for this process: database, lifetimes, policies and a fresh instance id. */
export function createAuthContext(config: Config, database: Database): AuthContext {
  return {
    db: database.db,
    lookupSession: database.lookupSession,
    sessionIdleMs: config.sessionIdleSeconds * 1000,
    sessionAbsoluteMs: config.sessionAbsoluteSeconds * 1000,
    passwordMinLength: config.passwordMinLength,
    ticketTtlMs: config.ticketTtlSeconds * 1000,
    instanceId: generateId(),
    throttle: makeThrottlePolicies({
      accountFailures: config.throttleAccountFreeFailures,
      ipFailures: config.throttleIpFreeFailures,
      registrationsPerHour: config.registrationsPerIpPerHour,
    }),
  };
}

/** The socket limits (WS-2, WS-4) from the configuration. */
export function socketLimitsFrom(config: Config): SocketLimits {
  return {
    maxMessageBytes: config.ws.maxMessageBytes,
    rate: { perSecond: config.ws.messagesPerSecond, burst: config.ws.burstMessages },
    socketsPerUser: config.ws.socketsPerUser,
    idleTimeoutSeconds: config.ws.idleTimeoutSeconds,
    backpressureBytes: config.ws.backpressureBytes,
    anonSocketMs: config.anonSocketSeconds * 1000,
  };
}
