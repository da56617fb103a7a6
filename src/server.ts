// Starts Latch from a config: database, TLS, the HTTP app and the socket on one port.
import { chmodSync, mkdirSync } from "node:fs";
import type { Server } from "bun";
import type { AuthContext } from "./auth/context.ts";
import { warmUpCredentials } from "./auth/credentials.ts";
import { deleteExpiredRecords } from "./auth/housekeeping.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import { createChatApp } from "./demo/chat.ts";
import { createApp } from "./http/app.ts";
import { createLogger, type Logger } from "./lib/log.ts";
import { readClientInfo } from "./lib/request-client.ts";
import { serverOrigins } from "./lib/origin.ts";
import { startRedirectServer } from "./redirect-server.ts";
import { createAuthContext, socketLimitsFrom } from "./settings.ts";
import { loadTls } from "./tls.ts";
import { HSTS_VALUE } from "./lib/web-constants.ts";
import { createSocketHandler } from "./ws/handlers.ts";
import { CLOSE_CODES } from "./ws/protocol.ts";
import { LiveSessions } from "./ws/live-sessions.ts";
import { SocketRegistry } from "./ws/registry.ts";
import type { SocketData } from "./ws/socket-data.ts";
import { upgradeSocket, type UpgradeDeps } from "./ws/upgrade.ts";

export interface RunningServer {
  server: Server<SocketData>;
  /** https://host:port of the main server. */
  url: URL;
  redirectServer: Server<unknown> | null;
  auth: AuthContext;
  registry: SocketRegistry;
  live: LiveSessions;
  /** Stops accepting, closes sockets with 1001, finishes requests, closes the database. */
  stop(): Promise<void>;
}

// Sockets and in-flight requests get this long to finish before they are cut.
const SHUTDOWN_GRACE_MS = 3000;
const HOUSEKEEPING_INTERVAL_MS = 60_000;
const RECHECK_BATCH_SIZE = 500;

/** Starts the server described by `config`; resolves once it listens. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // DB-1: a folder that already existed is made private too (mkdir's mode applies only to new ones).
  chmodSync(config.dataDir, 0o700);
  // TLS first: a bad certificate stops the start before any database is made.
  const tls = await loadTls(config.tls, config.dataDir, (line) => logger.info({ event: "tls", message: line }));
  const database = await openDatabase(config.databaseUrl, config.databaseAuthToken);
  const auth = createAuthContext(config, database);
  void warmUpCredentials();

  let allowedOrigins: ReadonlySet<string> = new Set(config.origins ?? []);
  const registry = new SocketRegistry();
  const live = new LiveSessions(auth, registry, logger, {
    feedIntervalMs: config.revocationPollMs,
    recheckIntervalMs: config.sessionRecheckSeconds * 1000,
    recheckBatchSize: RECHECK_BATCH_SIZE,
  });
  await live.start();
  const housekeeping = setInterval(() => {
    deleteExpiredRecords(auth).then(
      (deleted) => logger.debug({ event: "housekeeping", ...deleted }),
      (err: unknown) => logger.error({ event: "housekeeping_error", err }),
    );
  }, HOUSEKEEPING_INTERVAL_MS);
  const trustedProxies = new Set(config.trustedProxies);
  const limits = socketLimitsFrom(config);
  const socketLogger = createLogger(logger.level as Config["logLevel"], { redact: false });
  const upgradeDeps: UpgradeDeps = {
    auth,
    registry,
    allowedOrigins: () => allowedOrigins,
    trustedProxies,
    rateLimit: limits.rate,
    socketsPerUser: limits.socketsPerUser,
  };
  // The demo chat publishes through the server, which exists only once Bun.serve returns.
  const chat = createChatApp((topic, data) => server.publish(topic, data));
  const app = createApp({
    auth,
    logger,
    trustedProxies,
    allowedOrigins: () => allowedOrigins,
    onSessionsEnded: (sessionIds, reason, exceptSocketId) => live.endSessions(sessionIds, reason, exceptSocketId),
    onSessionRotated: (fromId, to) => live.moveSessions(fromId, to),
  });
  // A refused handshake is a request like any other: one log line (an accepted one logs ws_close when it ends).
  async function upgradeOrLog(request: Request, server: Server<SocketData>): Promise<Response | undefined> {
    const refused = await upgradeSocket(request, server, upgradeDeps);
    if (refused) {
      const { ip } = readClientInfo(request, server as Server<unknown>, trustedProxies);
      logger.info({ event: "http", method: request.method, path: "/ws", status: refused.status, ip });
    }
    return refused;
  }
  const server: Server<SocketData> = Bun.serve<SocketData>({
    port: config.port,
    hostname: config.host,
    tls,
    fetch(request, server) {
      if (new URL(request.url).pathname === "/ws") return upgradeOrLog(request, server);
      return app.fetch(request, { server });
    },
    // Socket open/close lines carry only ids, codes and ips: no redaction pass on that hot path.
    websocket: createSocketHandler({ auth, registry, live, logger: socketLogger, limits, app: chat }),
    error(error) {
      logger.error({ event: "server_error", err: error });
      return new Response(JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on our side." } }), {
        status: 500,
        headers: { "content-type": "application/json", "strict-transport-security": HSTS_VALUE },
      });
    },
  });
  const port = server.port ?? config.port;
  if (!config.origins) allowedOrigins = new Set(serverOrigins(config.host, port));
  const redirectServer = config.httpRedirectPort === null ? null : startRedirectServer(config.host, config.httpRedirectPort, port);
  const url = new URL(`https://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`);
  logger.info({ event: "listening", url: url.origin, redirectPort: redirectServer?.port ?? null, origins: [...allowedOrigins] });

  let stopping: Promise<void> | null = null;
  async function stop(): Promise<void> {
    const closed = server.stop(false);
    redirectServer?.stop(true);
    for (const ws of registry.all()) ws.close(CLOSE_CODES.goingAway, "server shutting down");
    await Promise.race([closed, Bun.sleep(SHUTDOWN_GRACE_MS)]);
    await server.stop(true);
    clearInterval(housekeeping);
    await live.stop();
    database.close();
    logger.info({ event: "stopped" });
  }
  return { server, url, redirectServer, auth, registry, live, stop: () => (stopping ??= stop()) };
}
