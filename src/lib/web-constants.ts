// Names and header values both edges (HTTP and the socket handshake) must agree on.

/** The session cookie. `__Host-` makes the browser insist on Secure, Path=/ and no Domain (SES-2). */
export const SESSION_COOKIE = "__Host-latch_session";

/** Two years, subdomains included: the browser never tries plain HTTP again (TLS-2). */
export const HSTS_VALUE = "max-age=63072000; includeSubDomains";
