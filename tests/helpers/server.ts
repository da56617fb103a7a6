// Starts a real Latch server (real TLS, real libSQL file in a temp folder) on port 0.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/lib/log.ts";
import { startServer, type RunningServer } from "../../src/server.ts";

export interface TestServer {
  running: RunningServer;
  /** https://127.0.0.1:PORT — also the Origin the browser would send. */
  origin: string;
  wsUrl: string;
  dataDir: string;
  dbPath: string;
  /** A second, independent connection to the same database file, for assertions. */
  db: Client;
  stop(): Promise<void>;
}

/** A fresh temp data folder with nothing in it; removed by the caller. */
export function makeTempDir(prefix = "latch-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts a server on 127.0.0.1:0 with `env` on top of test defaults. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = env.LATCH_DATA_DIR ?? makeTempDir();
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LATCH_DATA_DIR: dataDir,
    // Every test client comes from 127.0.0.1: per-IP limits would make the tests depend on
    // each other. Tests of those limits set them back explicitly.
    LATCH_THROTTLE_IP_FREE_FAILURES: "1000000",
    LATCH_REGISTRATIONS_PER_IP_PER_HOUR: "1000000",
    ...env,
  });
  const running = await startServer(config, createLogger("silent"));
  const origin = running.url.origin;
  const dbPath = join(dataDir, "latch.db");
  const db = createClient({ url: `file:${dbPath}`, timeout: 5000 });
  return {
    running,
    origin,
    wsUrl: `wss://127.0.0.1:${running.url.port}/ws`,
    dataDir,
    dbPath,
    db,
    async stop() {
      db.close();
      await running.stop();
      if (!env.LATCH_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Counts rows of a table in the test database. */
export async function countRows(db: Client, table: string, where = "1 = 1", args: (string | number)[] = []): Promise<number> {
  const result = await db.execute({ sql: `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, args });
  return Number(result.rows[0]?.n ?? 0);
}
