// Random tokens and their hashes: every secret Latch hands out comes from here.
import { createHash } from "node:crypto";
import { constantTimeEqual } from "oslo/crypto";
import { base32, base64url } from "oslo/encoding";

// 128 bits for identifiers, the floor of SES-1/TIX-1; 256 bits for secrets and tickets.
const ID_BYTES = 16;
const SECRET_BYTES = 32;

// Encoding whole random bytes is uniform by construction and ten times faster than drawing
// characters one by one; a socket id is made on every handshake.
function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** A public identifier (session id, user id, socket id) from the CSPRNG: 26 base32 characters. */
export function generateId(): string {
  return base32.encode(randomBytes(ID_BYTES), { includePadding: false }).toLowerCase();
}

/** A secret (session secret, ticket) from the CSPRNG: 43 base64url characters. */
export function generateSecret(): string {
  return base64url.encode(randomBytes(SECRET_BYTES), { includePadding: false });
}

// SHA-256 runs synchronously (node:crypto): it is on every handshake, and WebCrypto's promise
// costs more than the hash of a 43-character secret.

/** Hex SHA-256 of a string: what the database keeps instead of a secret. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** base64url(SHA-256(verifier)): the PKCE S256 challenge (RFC 7636). */
export function computePkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** Compares two strings without leaking where they differ. */
export function equalsConstantTime(a: string, b: string): boolean {
  const encoder = new TextEncoder();
  return constantTimeEqual(encoder.encode(a), encoder.encode(b));
}
