// One self-signed ECDSA P-256 certificate for 127.0.0.1, made per run, given to every TLS server.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CertFiles {
  dir: string;
  certPath: string;
  keyPath: string;
}

/** A fresh temp folder holding cert.pem and key.pem (openssl). */
export function makeCertificate(dir = mkdtempSync(join(tmpdir(), "latch-bench-"))): CertFiles {
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  const made = Bun.spawnSync([
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyPath, "-out", certPath, "-days", "2", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]);
  if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
  return { dir, certPath, keyPath };
}
