import type { CookieOptions, Request } from 'express';

export const SESSION_COOKIE = 'lcm_session';

/** The session token from the Cookie header, or null. */
export function sessionTokenOf(request: Request): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || null;
  }
  return null;
}

/**
 * httpOnly (scripts can't read it), SameSite=Strict (no other site's request carries it), Path=/,
 * and Secure when the request came over HTTPS (req.secure believes X-Forwarded-Proto only from a
 * trusted proxy: TRUST_PROXY). No Max-Age: the server ends sessions, the cookie follows the browser's.
 */
export function sessionCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure };
}
