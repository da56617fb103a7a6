// TLS for Bun.serve: the certificate (given, or a self-signed one made for local use) and a
// protocol and cipher policy stricter than Bun's default (TLS-1).
import { constants, createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";
import { ConfigError } from "./config.ts";

// TLS 1.2 only with forward-secret AEAD suites; TLS 1.3 suites are all AEAD and always on.
// Bun's default list also offers CBC and plain-RSA key exchange, which we refuse.
export const TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

// No SSLv3, TLS 1.0 or 1.1; the server's cipher order wins over the client's.
const SECURE_OPTIONS =
  constants.SSL_OP_NO_SSLv3 | constants.SSL_OP_NO_TLSv1 | constants.SSL_OP_NO_TLSv1_1 | constants.SSL_OP_CIPHER_SERVER_PREFERENCE;

const SELF_SIGNED_DAYS = 365;

export interface TlsFiles {
  certPath: string;
  keyPath: string;
}

export interface TlsSettings {
  cert: string;
  key: string;
  ciphers: string;
  secureOptions: number;
}

/** TLS options from the given files, or from a self-signed pair in `dataDir/tls` (made once). */
export async function loadTls(files: TlsFiles | null, dataDir: string, announce: (line: string) => void): Promise<TlsSettings> {
  const paths = files ?? (await ensureSelfSignedCertificate(join(dataDir, "tls"), announce));
  const [certName, keyName] = files ? ["LATCH_TLS_CERT", "LATCH_TLS_KEY"] : ["LATCH_DATA_DIR", "LATCH_DATA_DIR"];
  const cert = readPem(paths.certPath, certName);
  const key = readPem(paths.keyPath, keyName);
  checkPair(cert, key, certName, keyName);
  return {
    cert,
    key,
    ciphers: TLS12_CIPHERS,
    secureOptions: SECURE_OPTIONS,
  };
}

async function ensureSelfSignedCertificate(folder: string, announce: (line: string) => void): Promise<TlsFiles> {
  const certPath = join(folder, "cert.pem");
  const keyPath = join(folder, "key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) return { certPath, keyPath };
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + SELF_SIGNED_DAYS * 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert, { mode: 0o644 });
  announce(`Made a self-signed certificate for localhost, 127.0.0.1 and ::1 in ${folder} (for local use only).`);
  return { certPath, keyPath };
}

// A missing or wrong file stops the start with one line naming the setting, not a stack trace.
function readPem(path: string, variable: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function checkPair(cert: string, key: string, certName: string, keyName: string): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`${certName}: not a PEM certificate`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigError(`${keyName}: not an unencrypted PEM private key`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError(`${keyName}: this key does not belong to the certificate in ${certName}`);
  }
}
