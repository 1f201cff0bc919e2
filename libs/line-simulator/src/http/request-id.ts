import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

/** Every LINE response carries `X-Line-Request-Id`, a UUID the caller can quote to LINE's support. */
export const assignRequestId: RequestHandler = (_req, res, next) => {
  const requestId = randomUUID();
  res.locals.requestId = requestId;
  res.set('X-Line-Request-Id', requestId);
  next();
};

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId);
}
