// Setting and clearing the session cookie: the only way the token reaches a browser (SES-2).
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../lib/web-constants.ts";

/** Sets the session cookie: Secure, HttpOnly, SameSite=Lax, Path=/, until the absolute expiry. */
export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, token, {
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    maxAge: maxAgeSeconds,
  });
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { secure: true, httpOnly: true, sameSite: "Lax", path: "/" });
}

/** The raw session cookie value, if the browser sent one. */
export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}
