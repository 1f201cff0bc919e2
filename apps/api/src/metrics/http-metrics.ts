import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

/**
 * Times every request to its response's end, labelled by the route template that served it (so ids
 * don't make a series each); a request no route matched counts as `unmatched`.
 */
export function httpMetrics(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path;
      metrics.httpRequest(
        request.method,
        route ? `${request.baseUrl}${route}` : 'unmatched',
        response.statusCode,
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}
