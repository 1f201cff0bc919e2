import type { Response } from 'express';
import type { ClientInfo } from '../auth/client-info';
import { SESSION_COOKIE, sessionCookieOptions } from '../auth/session-cookie';
import type { SessionResponseDto } from './sign-in.dto';
import type { SignedIn } from './sign-in.service';

/** Sets the session cookie and gives the answer's body. */
export function sendSession(response: Response, client: ClientInfo, signedIn: SignedIn): SessionResponseDto {
  response.cookie(SESSION_COOKIE, signedIn.token, sessionCookieOptions(client.secure));
  return signedIn.body;
}

/** Tells the browser to drop the cookie (the session itself has already ended on the server). */
export function clearSessionCookie(response: Response, client: ClientInfo): void {
  response.clearCookie(SESSION_COOKIE, sessionCookieOptions(client.secure));
}
