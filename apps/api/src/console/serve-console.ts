import fs from 'node:fs';
import path from 'node:path';
import express, { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** What the service itself answers; the console never shadows it (its own 404s stay JSON). */
const SERVICE_PATHS = /^\/(api|health|metrics)(\/|$)/;

/** Vite names everything under assets/ by its content hash: a changed file is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else, index.html above all, is revalidated (ETag) on every load, so a deploy shows at once. */
const REVALIDATE = 'no-cache';

/**
 * Serves the built console (apps/console/dist) at `/`, same origin as the API: its files as they
 * are, and index.html for any other GET of a path without a file extension, so client routes like
 * `/campaigns/123` or `/invite/<token>` load the app. Returns false (and serves nothing) when the
 * directory holds no index.html.
 */
export function serveConsole(app: NestExpressApplication, dir: string): boolean {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) return false;
  const files = express.static(dir, {
    index: false,
    setHeaders: (response, file) => {
      const asset = path.relative(dir, file).split(path.sep)[0] === 'assets';
      response.setHeader('Cache-Control', asset ? IMMUTABLE : REVALIDATE);
      if (!asset) pageHeaders(response);
    },
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (!['GET', 'HEAD'].includes(request.method) || SERVICE_PATHS.test(request.path)) return next();
    files(request, response, () => {
      if (path.extname(request.path) !== '') return next(); // a missing file stays a 404, not a page
      pageHeaders(response);
      response.sendFile(index, { headers: { 'Cache-Control': REVALIDATE } }, (error) => error && next(error));
    });
  });
  return true;
}

/**
 * The app's pages: no framing by other sites (clickjacking), no MIME sniffing, and no Referer to
 * other hosts (an invite link's token is in the URL).
 */
function pageHeaders(response: Response): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
  response.setHeader('Referrer-Policy', 'same-origin');
}
