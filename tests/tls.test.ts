// Transport: TLS 1.2+ with forward-secret AEAD suites only, HSTS everywhere, a redirect-only
// plain-HTTP port, and the certificate (self-signed and kept, or the one given).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { freePort, TIMED_OUT, withTimeout } from "./helpers/process.ts";
import { countRows, makeTempDir, startTestServer, type TestServer } from "./helpers/server.ts";
import { openSocket } from "./helpers/ws.ts";

const OPENSSL = "/usr/bin/openssl";
const HSTS = "max-age=63072000; includeSubDomains";
// Debian's OpenSSL only offers TLS 1.0/1.1 and SHA-1 suites at security level 0.
const LEGACY = "DEFAULT:@SECLEVEL=0";

interface Handshake {
  ok: boolean;
  protocol: string | null;
  cipher: string | null;
  /** The server's certificate as sent, or null. */
  certificate: X509Certificate | null;
  output: string;
}

/** One `openssl s_client` handshake to 127.0.0.1:`port`; stdin closed, killed after 5 s. */
async function handshake(port: number, args: string[]): Promise<Handshake> {
  const proc = Bun.spawn([OPENSSL, "s_client", "-connect", `127.0.0.1:${port}`, ...args], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: 5000,
    env: { PATH: "/usr/bin:/bin" },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const session = /New, (\S+), Cipher is (\S+)/.exec(stdout);
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(stdout)?.[0];
  const cipher = session?.[2] ?? null;
  const ok = code === 0 && cipher !== null && cipher !== "(NONE)";
  return {
    ok,
    protocol: ok ? (session?.[1] ?? null) : null,
    cipher: ok ? cipher : null,
    certificate: ok && pem ? new X509Certificate(pem) : null,
    output: stdout + stderr,
  };
}

/** Makes a self-signed pair with openssl into `folder`; `keyArgs` picks the key type. */
async function makeCertificate(folder: string, name: string, keyArgs: string[]): Promise<{ cert: string; key: string }> {
  const cert = join(folder, `${name}-cert.pem`);
  const key = join(folder, `${name}-key.pem`);
  const proc = Bun.spawn(
    [OPENSSL, "req", "-x509", "-batch", "-nodes", ...keyArgs, "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost"],
    { stdin: "ignore", stdout: "ignore", stderr: "pipe", timeout: 10_000, env: { PATH: "/usr/bin:/bin" } },
  );
  if ((await proc.exited) !== 0) throw new Error(`openssl req failed: ${await new Response(proc.stderr).text()}`);
  return { cert, key };
}

/**
 * A permissive `openssl s_server` (TLS 1.0+, every suite, an RSA and an EC certificate): the
 * control showing that each client command Latch refuses does succeed when a server allows it.
 */
async function startControlServer(rsa: { cert: string; key: string }, ec: { cert: string; key: string }) {
  const proc = Bun.spawn(
    [OPENSSL, "s_server", "-accept", "127.0.0.1:0", "-cert", rsa.cert, "-key", rsa.key, "-dcert", ec.cert, "-dkey", ec.key,
      "-cipher", "ALL:@SECLEVEL=0", "-min_protocol", "TLSv1"],
    // stdin stays open: s_server stops at end of input.
    { stdin: "pipe", stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } },
  );
  const reader = proc.stdout.getReader();
  const port = await withTimeout(
    (async () => {
      let seen = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return `openssl s_server did not start: ${seen}`;
        seen += new TextDecoder().decode(value);
        const match = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(seen);
        if (match) return Number(match[1]);
      }
    })(),
    5000,
  );
  if (typeof port !== "number") {
    proc.kill();
    throw new Error(port === TIMED_OUT ? "openssl s_server did not report its port within 5 s" : port);
  }
  // Keep draining its output so it never blocks on a full pipe; ends when it is killed.
  void (async () => {
    while (!(await reader.read().catch(() => ({ done: true }))).done);
  })();
  void new Response(proc.stderr).text().catch(() => {});
  return { port, stop: () => proc.kill() };
}

let certs: string;
let ecPair: { cert: string; key: string };
let rsaPair: { cert: string; key: string };
let ecServer: TestServer;
let rsaServer: TestServer;
let control: { port: number; stop(): void };

const portOf = (server: TestServer) => Number(server.running.url.port);

beforeAll(async () => {
  certs = makeTempDir("latch-tls-certs-");
  [ecPair, rsaPair] = await Promise.all([
    makeCertificate(certs, "ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
    makeCertificate(certs, "rsa", ["-newkey", "rsa:2048"]),
  ]);
  control = await startControlServer(rsaPair, ecPair);
  ecServer = await startTestServer();
  rsaServer = await startTestServer({ LATCH_TLS_CERT: rsaPair.cert, LATCH_TLS_KEY: rsaPair.key });
}, 20_000);

afterAll(async () => {
  control?.stop();
  await ecServer?.stop();
  await rsaServer?.stop();
  rmSync(certs, { recursive: true, force: true });
});

describe("[TLS-1] protocol versions", () => {
  test("[TLS-1] TLS 1.2 with ECDHE-ECDSA-AES128-GCM-SHA256 and TLS 1.3 are accepted (positive control)", async () => {
    const tls12 = await handshake(portOf(ecServer), ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]);
    expect(tls12).toMatchObject({ ok: true, protocol: "TLSv1.2", cipher: "ECDHE-ECDSA-AES128-GCM-SHA256" });
    const tls13 = await handshake(portOf(ecServer), ["-tls1_3"]);
    expect(tls13).toMatchObject({ ok: true, protocol: "TLSv1.3" });
  });

  for (const [name, flag] of [
    ["TLS 1.1", "-tls1_1"],
    ["TLS 1.0", "-tls1"],
  ] as const) {
    test(`[TLS-1] ${name} is refused (and the same client does get ${name} from a server allowing it)`, async () => {
      const args = [flag, "-cipher", LEGACY];
      const allowed = await handshake(control.port, args);
      expect(allowed.ok).toBe(true);
      for (const server of [ecServer, rsaServer]) {
        const refused = await handshake(portOf(server), args);
        expect(refused.ok).toBe(false);
        expect(refused.protocol).toBeNull();
      }
    });
  }
});

describe("[TLS-1] cipher suites", () => {
  test("[TLS-1] an RSA certificate is served with ECDHE-RSA-AES128-GCM-SHA256 (positive control)", async () => {
    const result = await handshake(portOf(rsaServer), ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"]);
    expect(result).toMatchObject({ ok: true, protocol: "TLSv1.2", cipher: "ECDHE-RSA-AES128-GCM-SHA256" });
  });

  // Each suite: what it breaks, and the Latch server whose certificate could otherwise use it.
  const refused: [string, string, () => TestServer][] = [
    ["ECDHE-ECDSA-AES128-SHA", "CBC", () => ecServer],
    ["ECDHE-RSA-AES128-SHA", "CBC", () => rsaServer],
    ["AES128-SHA", "CBC with plain-RSA key exchange", () => rsaServer],
    ["AES128-GCM-SHA256", "plain-RSA key exchange (no forward secrecy)", () => rsaServer],
    ["AES256-GCM-SHA384", "plain-RSA key exchange (no forward secrecy)", () => rsaServer],
  ];
  for (const [suite, why, server] of refused) {
    test(`[TLS-1] TLS 1.2 ${suite} (${why}) is refused`, async () => {
      const args = ["-tls1_2", "-cipher", `${suite}:@SECLEVEL=0`];
      const allowed = await handshake(control.port, args);
      expect(allowed).toMatchObject({ ok: true, cipher: suite });
      const result = await handshake(portOf(server()), args);
      expect(result.ok).toBe(false);
    });
  }
});

describe("[TLS-1] no plain text on the TLS port", () => {
  test("[TLS-1] plain http:// gets no response", async () => {
    const attempt = fetch(`http://127.0.0.1:${portOf(ecServer)}/healthz`, { signal: AbortSignal.timeout(3000) });
    expect(await attempt.then((r) => `HTTP ${r.status}`, () => "no response")).toBe("no response");
  });

  test("[TLS-1] plain ws:// gets no socket", async () => {
    const attempt = openSocket(`ws://127.0.0.1:${portOf(ecServer)}/ws`, { origin: ecServer.origin });
    const outcome = await withTimeout(
      attempt.then(
        (socket) => {
          socket.ws.close();
          return "open";
        },
        () => "refused",
      ),
      3000,
    );
    expect(outcome).not.toBe("open");
    expect(outcome).not.toBe(TIMED_OUT);
  });

  test("[TLS-1] a raw plain-text request is never answered with HTTP", async () => {
    const received: Uint8Array[] = [];
    const done = Promise.withResolvers<void>();
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port: portOf(ecServer),
      socket: {
        data: (_socket, chunk) => void received.push(chunk),
        close: () => done.resolve(),
        error: () => done.resolve(),
      },
    });
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    const result = await withTimeout(done.promise, 3000);
    socket.end();
    const text = Buffer.concat(received).toString("latin1");
    expect(text).not.toContain("HTTP/");
    expect(text).not.toContain("ok");
    expect(result).not.toBe(TIMED_OUT);
  });
});

describe("[TLS-2] HSTS", () => {
  test("[TLS-2] every kind of HTTPS response carries HSTS (200, 400, 401, 403, 404, 426, WebSocket refusal)", async () => {
    const base = ecServer.origin;
    const tls = { rejectUnauthorized: false };
    const upgrade = { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": btoa("0123456789abcdef") };
    const responses = await Promise.all([
      fetch(`${base}/healthz`, { tls }),
      fetch(`${base}/auth/login`, { method: "POST", headers: { origin: base, "content-type": "application/json" }, body: "{", tls }),
      fetch(`${base}/auth/me`, { tls }),
      fetch(`${base}/auth/login`, { method: "POST", headers: { origin: "https://evil.example" }, body: "{}", tls }),
      fetch(`${base}/no-such-page`, { tls }),
      fetch(`${base}/ws`, { headers: { origin: base }, tls }),
      fetch(`${base}/ws`, { headers: { ...upgrade, origin: "https://evil.example" }, tls }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 400, 401, 403, 404, 426, 403]);
    for (const response of responses) {
      expect(response.headers.get("strict-transport-security")).toBe(HSTS);
      await response.body?.cancel();
    }
  });
});

describe("[TLS-2] the plain-HTTP redirect port", () => {
  let server: TestServer;
  let redirectPort: number;
  beforeAll(async () => {
    redirectPort = freePort();
    server = await startTestServer({ LATCH_HTTP_REDIRECT_PORT: String(redirectPort) });
  });
  afterAll(() => server?.stop());

  test("[TLS-2] it listens on the configured port", () => {
    expect(server.running.redirectServer?.port).toBe(redirectPort);
  });

  test("[TLS-2] any method and path gets a 308 to the same path over https, with no cookie and no body", async () => {
    const paths = ["/", "/healthz", "/auth/login?next=%2Fhome&x=1", "/auth/register", "/ws", "/deep/path/that/does/not/exist"];
    const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    for (const path of paths) {
      for (const method of methods) {
        const response = await fetch(`http://127.0.0.1:${redirectPort}${path}`, {
          method,
          redirect: "manual",
          headers: { origin: server.origin, cookie: "__Host-latch_session=abc.def", "content-type": "application/json" },
          body: method === "GET" || method === "HEAD" ? undefined : JSON.stringify({ username: "plain-http-user", password: "correct horse battery staple" }),
        });
        expect(response.status).toBe(308);
        expect(response.headers.get("location")).toBe(new URL(path, server.origin).href);
        expect(response.headers.getSetCookie()).toEqual([]);
        expect(await response.text()).toBe("");
      }
    }
    // A register or login sent over plain HTTP was not acted on.
    expect(await countRows(server.db, "users")).toBe(0);
    expect(await countRows(server.db, "sessions")).toBe(0);
  });

  test("[TLS-2] a WebSocket handshake on the plain port is redirected, not upgraded", async () => {
    const response = await fetch(`http://127.0.0.1:${redirectPort}/ws`, {
      redirect: "manual",
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": btoa("0123456789abcdef"), origin: server.origin },
    });
    expect(response.status).toBe(308);
    expect(response.headers.get("location")).toBe(`${server.origin}/ws`);
  });
});

describe("certificates", () => {
  test("without LATCH_TLS_CERT a self-signed P-256 certificate is made in <data dir>/tls and reused on the next start", async () => {
    const root = makeTempDir("latch-tls-self-");
    const dataDir = join(root, "data");
    try {
      const first = await startTestServer({ LATCH_DATA_DIR: dataDir });
      const certPath = join(dataDir, "tls", "cert.pem");
      const keyPath = join(dataDir, "tls", "key.pem");
      const made = readFileSync(certPath);
      const keyBytes = readFileSync(keyPath);
      expect(statSync(join(dataDir, "tls")).mode & 0o777).toBe(0o700);
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      const certificate = new X509Certificate(made);
      expect(certificate.publicKey.asymmetricKeyType).toBe("ec");
      expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
      expect(certificate.subjectAltName).toContain("DNS:localhost");
      expect(certificate.subjectAltName).toContain("IP Address:127.0.0.1");
      const servedFirst = await handshake(portOf(first), ["-tls1_3"]);
      expect(servedFirst.certificate?.fingerprint256).toBe(certificate.fingerprint256);
      await first.stop();

      const second = await startTestServer({ LATCH_DATA_DIR: dataDir });
      try {
        expect(readFileSync(certPath).equals(made)).toBe(true);
        expect(readFileSync(keyPath).equals(keyBytes)).toBe(true);
        const servedSecond = await handshake(portOf(second), ["-tls1_3"]);
        expect(servedSecond.certificate?.fingerprint256).toBe(certificate.fingerprint256);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("with LATCH_TLS_CERT and LATCH_TLS_KEY it serves that certificate and makes none of its own", async () => {
    const server = await startTestServer({ LATCH_TLS_CERT: ecPair.cert, LATCH_TLS_KEY: ecPair.key });
    try {
      const given = new X509Certificate(readFileSync(ecPair.cert));
      const served = await handshake(portOf(server), ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]);
      expect(served.certificate?.fingerprint256).toBe(given.fingerprint256);
      expect(existsSync(join(server.dataDir, "tls"))).toBe(false);
      const health = await fetch(`${server.origin}/healthz`, { tls: { rejectUnauthorized: false } });
      expect(health.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
