// Environment -> one typed, validated configuration, read once at start.
import { isIP } from "node:net";
import { resolve } from "node:path";
import { normalizeOrigin } from "./lib/origin.ts";

type Env = Record<string, string | undefined>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  databaseAuthToken: string | undefined;
  tls: { certPath: string; keyPath: string } | null;
  /** Exact origins allowed to open sockets and send state-changing requests; null = the server's own. */
  origins: string[] | null;
  httpRedirectPort: number | null;
  sessionIdleSeconds: number;
  sessionAbsoluteSeconds: number;
  passwordMinLength: number;
  ticketTtlSeconds: number;
  anonSocketSeconds: number;
  /** How often this instance reads the shared revocation feed. */
  revocationPollMs: number;
  /** How often every bound session is re-read from the database (safety net). */
  sessionRecheckSeconds: number;
  throttleAccountFreeFailures: number;
  throttleIpFreeFailures: number;
  registrationsPerIpPerHour: number;
  /** Proxies whose X-Forwarded-For is believed; empty = use the connection's address. */
  trustedProxies: string[];
  ws: {
    maxMessageBytes: number;
    messagesPerSecond: number;
    burstMessages: number;
    socketsPerUser: number;
    idleTimeoutSeconds: number;
    backpressureBytes: number;
  };
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "silent";
}

/** Thrown for a bad setting; its message is the one line the process prints before it exits. */
export class ConfigError extends Error {}

// A session idle for a day is probably on a device nobody is using (ASVS 7.3.1).
const DEFAULT_SESSION_IDLE_SECONDS = 24 * 60 * 60;
// Even an active session signs in again every two weeks (ASVS 7.3.2).
const DEFAULT_SESSION_ABSOLUTE_SECONDS = 14 * 24 * 60 * 60;
// The ticket only has to survive one fetch from the page that asked for it (TIX-1).
const DEFAULT_TICKET_TTL_SECONDS = 60;
const MAX_TICKET_TTL_SECONDS = 300;
const DEFAULT_ANON_SOCKET_SECONDS = 120;
// Other instances close a revoked session's sockets within about this long (SES-5).
const DEFAULT_REVOCATION_POLL_MS = 500;
// The full re-check is a safety net for anything the feed missed; it need not be quick.
const DEFAULT_SESSION_RECHECK_SECONDS = 60;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "silent"] as const;

/** Reads every Latch setting from `env`; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env): Config {
  const dataDir = resolve(readString(env, "LATCH_DATA_DIR") ?? "./data");
  const certPath = readString(env, "LATCH_TLS_CERT");
  const keyPath = readString(env, "LATCH_TLS_KEY");
  if ((certPath === undefined) !== (keyPath === undefined)) {
    const missing = certPath === undefined ? "LATCH_TLS_CERT" : "LATCH_TLS_KEY";
    throw new ConfigError(`${missing}: expected a file path (LATCH_TLS_CERT and LATCH_TLS_KEY go together)`);
  }
  const sessionIdleSeconds = readInteger(env, "LATCH_SESSION_IDLE_SECONDS", DEFAULT_SESSION_IDLE_SECONDS, 1, 10 * 365 * 86400);
  const sessionAbsoluteSeconds = readInteger(env, "LATCH_SESSION_ABSOLUTE_SECONDS", DEFAULT_SESSION_ABSOLUTE_SECONDS, 1, 10 * 365 * 86400);
  if (sessionAbsoluteSeconds < sessionIdleSeconds) {
    throw new ConfigError(
      `LATCH_SESSION_ABSOLUTE_SECONDS: expected at least LATCH_SESSION_IDLE_SECONDS (${sessionIdleSeconds}), got ${sessionAbsoluteSeconds}`,
    );
  }
  return {
    port: readInteger(env, "PORT", 3000, 0, 65535),
    host: readString(env, "HOST") ?? "127.0.0.1",
    dataDir,
    databaseUrl: readDatabaseUrl(env, dataDir),
    databaseAuthToken: readString(env, "DATABASE_AUTH_TOKEN"),
    tls: certPath && keyPath ? { certPath: resolve(certPath), keyPath: resolve(keyPath) } : null,
    origins: readOrigins(env),
    httpRedirectPort: env.LATCH_HTTP_REDIRECT_PORT ? readInteger(env, "LATCH_HTTP_REDIRECT_PORT", 0, 0, 65535) : null,
    sessionIdleSeconds,
    sessionAbsoluteSeconds,
    // PW-2: never below 8; 12 by default.
    passwordMinLength: readInteger(env, "LATCH_PASSWORD_MIN_LENGTH", 12, 8, 64),
    ticketTtlSeconds: readInteger(env, "LATCH_TICKET_SECONDS", DEFAULT_TICKET_TTL_SECONDS, 1, MAX_TICKET_TTL_SECONDS),
    anonSocketSeconds: readInteger(env, "LATCH_ANON_SOCKET_SECONDS", DEFAULT_ANON_SOCKET_SECONDS, 1, 3600),
    revocationPollMs: readInteger(env, "LATCH_REVOCATION_POLL_MS", DEFAULT_REVOCATION_POLL_MS, 50, 60_000),
    sessionRecheckSeconds: readInteger(env, "LATCH_SESSION_RECHECK_SECONDS", DEFAULT_SESSION_RECHECK_SECONDS, 1, 86_400),
    throttleAccountFreeFailures: readInteger(env, "LATCH_THROTTLE_ACCOUNT_FREE_FAILURES", 5, 1, 100),
    throttleIpFreeFailures: readInteger(env, "LATCH_THROTTLE_IP_FREE_FAILURES", 20, 1, 1_000_000),
    registrationsPerIpPerHour: readInteger(env, "LATCH_REGISTRATIONS_PER_IP_PER_HOUR", 10, 1, 1_000_000),
    trustedProxies: readIpList(env, "LATCH_TRUSTED_PROXIES"),
    ws: {
      maxMessageBytes: readInteger(env, "LATCH_WS_MAX_MESSAGE_BYTES", 16 * 1024, 256, 16 * 1024 * 1024),
      messagesPerSecond: readInteger(env, "LATCH_WS_MESSAGES_PER_SECOND", 20, 1, 100_000),
      burstMessages: readInteger(env, "LATCH_WS_BURST_MESSAGES", 40, 1, 1_000_000),
      socketsPerUser: readInteger(env, "LATCH_WS_SOCKETS_PER_USER", 20, 1, 100_000),
      // Bun pings shortly before this and drops a peer that stays silent (no pong either).
      idleTimeoutSeconds: readInteger(env, "LATCH_WS_IDLE_SECONDS", 60, 8, 960),
      backpressureBytes: readInteger(env, "LATCH_WS_BACKPRESSURE_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
    },
    logLevel: readChoice(env, "LATCH_LOG_LEVEL", LOG_LEVELS, "info"),
  };
}

function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}: expected one of ${choices.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

function readIpList(env: Env, name: string): string[] {
  const raw = readString(env, name);
  if (raw === undefined) return [];
  return raw.split(",").map((entry) => {
    const ip = entry.trim();
    if (!isIP(ip)) throw new ConfigError(`${name}: expected comma-separated IP addresses, got "${ip}"`);
    return ip;
  });
}

function readDatabaseUrl(env: Env, dataDir: string): string {
  const raw = readString(env, "DATABASE_URL");
  if (raw === undefined) return `file:${dataDir}/latch.db`;
  if (!/^(file|libsql|https?|wss?):/.test(raw)) {
    throw new ConfigError(`DATABASE_URL: expected a file:, libsql:, https: or wss: URL, got "${raw}"`);
  }
  return raw;
}

function readOrigins(env: Env): string[] | null {
  const raw = readString(env, "LATCH_ORIGINS");
  if (raw === undefined) return null;
  return raw.split(",").map((entry) => {
    const origin = normalizeOrigin(entry.trim());
    if (origin === null) {
      throw new ConfigError(`LATCH_ORIGINS: expected comma-separated origins like https://app.example.com, got "${entry.trim()}"`);
    }
    return origin;
  });
}
