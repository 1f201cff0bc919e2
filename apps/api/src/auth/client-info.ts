import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who is calling from where, as far as the trusted proxies (TRUST_PROXY) say. */
export interface ClientInfo {
  /** The client's address, for per-address sign-in throttling. */
  address: string;
  /** The request came over HTTPS (directly or through a trusted proxy). */
  secure: boolean;
  /** This service's own origin as the client reached it, e.g. `https://console.example.com`. */
  ownOrigin: string;
  /** The request's Origin header, when the browser sent one. */
  origin: string | null;
}

export function clientInfoOf(request: Request): ClientInfo {
  const origin = request.headers.origin;
  return {
    address: request.ip ?? request.socket.remoteAddress ?? 'unknown',
    secure: request.secure,
    ownOrigin: `${request.protocol}://${request.host}`,
    origin: typeof origin === 'string' ? origin : null,
  };
}

export const Client = createParamDecorator((_: unknown, context: ExecutionContext): ClientInfo =>
  clientInfoOf(context.switchToHttp().getRequest<Request>()),
);
