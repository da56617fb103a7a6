// PKCE S256 (RFC 7636) with WebCrypto: a random verifier the page keeps and the challenge it sends.

/** base64url without padding, as RFC 7636 uses it. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A fresh verifier (32 random bytes, 43 characters) and its challenge base64url(SHA-256(verifier)). */
export async function createPkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: encodeBase64Url(new Uint8Array(digest)) };
}
