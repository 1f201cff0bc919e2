import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { ClientInfo, clientInfoOf } from './client-info';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/**
 * Cookies ride along on requests other sites make, so a cookie-authenticated write must prove it
 * came from the console: the session's CSRF token in X-CSRF-Token (another site can't read it), and
 * an Origin, when the browser sends one, that is this service's own. SameSite=Strict is a third wall.
 */
export function assertNotForged(request: Request, csrfToken: string): void {
  if (SAFE_METHODS.includes(request.method)) return;
  assertSameOrigin(clientInfoOf(request));
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameSecret(sent, csrfToken)) {
    throw ApiError.forbidden(
      'a signed-in browser must send the X-CSRF-Token header with the csrfToken of POST /auth/login or GET /auth/session',
    );
  }
}

/** Sign-in forms, too, only count from the console's own pages (no signing someone in from elsewhere). */
export function assertSameOrigin(client: ClientInfo): void {
  if (client.origin !== null && client.origin !== client.ownOrigin) {
    throw ApiError.forbidden(`requests from ${client.origin} are refused; this service is ${client.ownOrigin}`);
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
