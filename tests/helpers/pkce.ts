// A PKCE verifier and its S256 challenge, made the way the browser client makes them.
import { base64url } from "oslo/encoding";

/** 32 random bytes as a base64url verifier, and base64url(SHA-256(verifier)). */
export async function makePkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)), { includePadding: false });
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  return { verifier, challenge: base64url.encode(digest, { includePadding: false }) };
}
