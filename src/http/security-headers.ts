// TLS-2 and TLS-3: HSTS, a strict CSP and the other browser-hardening headers on every response.
import { secureHeaders } from "hono/secure-headers";
import { HSTS_VALUE } from "../lib/web-constants.ts";

/** Hono's secureHeaders with Latch's policy: same-origin everything, no inline script or style. */
export function latchSecureHeaders() {
  return secureHeaders({
    strictTransportSecurity: HSTS_VALUE,
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      // wss: to the same host is covered by 'self' in current browsers.
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: "no-referrer",
    xFrameOptions: "DENY",
    crossOriginOpenerPolicy: "same-origin",
    crossOriginResourcePolicy: "same-origin",
  });
}
