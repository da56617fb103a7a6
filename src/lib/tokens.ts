// Random tokens and their hashes: every secret Latch hands out comes from here.
import { alphabet, constantTimeEqual, generateRandomString, sha256 } from "oslo/crypto";
import { base64url, encodeHex } from "oslo/encoding";

// 26 characters of a 32-letter alphabet = 130 bits: above the 128-bit floor of SES-1/TIX-1.
const ID_LENGTH = 26;
// 43 characters of a 64-letter alphabet = 258 bits for session secrets and tickets.
const SECRET_LENGTH = 43;
const BASE32_LOWER = alphabet("a-z", "0-9").slice(0, 32);
const URL_SAFE = alphabet("a-z", "A-Z", "0-9", "-", "_");

/** A public identifier (session id, user id, socket id) from the CSPRNG. */
export function generateId(): string {
  return generateRandomString(ID_LENGTH, BASE32_LOWER);
}

/** A secret (session secret, ticket) from the CSPRNG, URL-safe. */
export function generateSecret(): string {
  return generateRandomString(SECRET_LENGTH, URL_SAFE);
}

/** Hex SHA-256 of a string: what the database keeps instead of a secret. */
export async function hashSecret(secret: string): Promise<string> {
  return encodeHex(await sha256(new TextEncoder().encode(secret)));
}

/** base64url(SHA-256(verifier)): the PKCE S256 challenge (RFC 7636). */
export async function computePkceChallenge(verifier: string): Promise<string> {
  const digest = new Uint8Array(await sha256(new TextEncoder().encode(verifier)));
  return base64url.encode(digest, { includePadding: false });
}

/** Compares two strings without leaking where they differ. */
export function equalsConstantTime(a: string, b: string): boolean {
  const encoder = new TextEncoder();
  return constantTimeEqual(encoder.encode(a), encoder.encode(b));
}
