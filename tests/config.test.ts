// Configuration: defaults, and a bad value stops the process with one line naming the variable.
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "../src/config.ts";
import { runLatchToExit } from "./helpers/process.ts";
import { makeTempDir } from "./helpers/server.ts";

const scratch = makeTempDir("latch-config-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("loadConfig", () => {
  test("defaults: local-only, 12-character passwords, a day idle, two weeks absolute", () => {
    const config = loadConfig({});
    const dataDir = resolve("./data");
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      dataDir,
      databaseUrl: `file:${dataDir}/latch.db`,
      databaseAuthToken: undefined,
      tls: null,
      origins: null,
      httpRedirectPort: null,
      sessionIdleSeconds: 86_400,
      sessionAbsoluteSeconds: 14 * 86_400,
      passwordMinLength: 12,
      ticketTtlSeconds: 60,
      anonSocketSeconds: 120,
      logLevel: "info",
    });
  });

  test("empty and blank values count as unset", () => {
    expect(loadConfig({ PORT: "", LATCH_PASSWORD_MIN_LENGTH: "   ", LATCH_ORIGINS: " " })).toEqual(loadConfig({}));
  });

  test("values are read, trimmed and resolved", () => {
    const config = loadConfig({
      PORT: " 8443 ",
      LATCH_DATA_DIR: "some/dir",
      LATCH_TLS_CERT: "c.pem",
      LATCH_TLS_KEY: "k.pem",
      LATCH_ORIGINS: "https://App.example.com:443, http://localhost:5173",
      LATCH_HTTP_REDIRECT_PORT: "8080",
      LATCH_SESSION_IDLE_SECONDS: "600",
      LATCH_SESSION_ABSOLUTE_SECONDS: "600",
      LATCH_PASSWORD_MIN_LENGTH: "8",
      LATCH_TICKET_SECONDS: "300",
      LATCH_LOG_LEVEL: "silent",
      DATABASE_URL: "libsql://db.example.com",
    });
    expect(config.port).toBe(8443);
    expect(config.dataDir).toBe(resolve("some/dir"));
    expect(config.tls).toEqual({ certPath: resolve("c.pem"), keyPath: resolve("k.pem") });
    expect(config.origins).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(config.httpRedirectPort).toBe(8080);
    expect(config.sessionAbsoluteSeconds).toBe(600);
    expect(config.passwordMinLength).toBe(8);
    expect(config.ticketTtlSeconds).toBe(300);
    expect(config.logLevel).toBe("silent");
    expect(config.databaseUrl).toBe("libsql://db.example.com");
  });

  test("[PW-2] the minimum password length can be raised but never set below 8", () => {
    expect(loadConfig({ LATCH_PASSWORD_MIN_LENGTH: "20" }).passwordMinLength).toBe(20);
    expect(() => loadConfig({ LATCH_PASSWORD_MIN_LENGTH: "7" })).toThrow(ConfigError);
  });

  test("numbers must be plain whole numbers", () => {
    for (const raw of ["-1", "1e3", "0x10", "3.5", "80abc", "99999999999999999999"]) {
      expect(() => loadConfig({ PORT: raw })).toThrow(/^PORT: /);
    }
  });
});

// Each case: the environment, and the variable the one-line error must name.
const BAD_SETTINGS: [Record<string, string>, string][] = [
  [{ PORT: "abc" }, "PORT"],
  [{ PORT: "70000" }, "PORT"],
  [{ LATCH_ORIGINS: "not-a-url" }, "LATCH_ORIGINS"],
  [{ LATCH_ORIGINS: "https://ok.example.com,https://x.example.com/path" }, "LATCH_ORIGINS"],
  [{ LATCH_TLS_CERT: "/nonexistent/cert.pem" }, "LATCH_TLS_KEY"],
  [{ LATCH_TLS_KEY: "/nonexistent/key.pem" }, "LATCH_TLS_CERT"],
  [{ LATCH_SESSION_IDLE_SECONDS: "7200", LATCH_SESSION_ABSOLUTE_SECONDS: "3600" }, "LATCH_SESSION_ABSOLUTE_SECONDS"],
  [{ LATCH_TICKET_SECONDS: "301" }, "LATCH_TICKET_SECONDS"],
  [{ LATCH_PASSWORD_MIN_LENGTH: "4" }, "LATCH_PASSWORD_MIN_LENGTH"],
  [{ DATABASE_URL: "ftp://x" }, "DATABASE_URL"],
  [{ LATCH_LOG_LEVEL: "loud" }, "LATCH_LOG_LEVEL"],
  [{ LATCH_HTTP_REDIRECT_PORT: "65536" }, "LATCH_HTTP_REDIRECT_PORT"],
];

// Well-formed settings naming files that are not there or are not PEM at all.
const BAD_FILES: [string, Record<string, string>, string][] = [
  ["a certificate file that does not exist", { LATCH_TLS_CERT: "/nonexistent/cert.pem", LATCH_TLS_KEY: "/nonexistent/key.pem" }, "LATCH_TLS_CERT"],
  ["certificate and key files that are not PEM", { LATCH_TLS_CERT: import.meta.path, LATCH_TLS_KEY: import.meta.path }, "LATCH_TLS_CERT"],
];

async function expectOneLineExit(env: Record<string, string>, variable: string): Promise<string> {
  const dataDir = join(scratch, crypto.randomUUID());
  const run = await runLatchToExit({ env: { PORT: "0", LATCH_DATA_DIR: dataDir, ...env } });
  expect(run.code).toBe(1);
  expect(run.stdout).toBe("");
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(variable);
  expect(lines[0]).toStartWith(`latch: bad configuration: ${variable}:`);
  return dataDir;
}

describe("a bad setting stops the process", () => {
  for (const [env, variable] of BAD_SETTINGS) {
    const shown = Object.entries(env)
      .map(([name, value]) => `${name}=${value}`)
      .join(" ");
    test(`${shown}: exit 1 and one line naming ${variable}`, async () => {
      const dataDir = await expectOneLineExit(env, variable);
      // It stopped before touching anything.
      expect(await Bun.file(join(dataDir, "latch.db")).exists()).toBe(false);
    });
  }
  for (const [label, env, variable] of BAD_FILES) {
    test(`${label}: exit 1 and one line naming ${variable}, not a stack trace`, async () => {
      await expectOneLineExit(env, variable);
    });
  }
});
