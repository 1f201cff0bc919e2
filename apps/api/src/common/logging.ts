import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { ReadableLogStream } from './readable-log';

/** Everything that could carry a credential, wherever it sits in a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-line-signature"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.channelAccessToken',
  '*.channelSecret',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.*.channelAccessToken',
  '*.*.channelSecret',
  '*.*.token',
];

/** `readable`: a terminal's lines (see readable-log.ts); `json`: one JSON object a line, for machines. */
export type LogFormat = 'readable' | 'json';

export function loggerOptions(level: string, format: LogFormat = 'json'): Params {
  const options: Options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // One id per request, on every line the request logs; a caller's X-Request-Id is kept.
    genReqId: (req: IncomingMessage, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[\w-]{1,100}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customProps: (req) => ({ requestId: (req as IncomingMessage & { id: string }).id }),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        // An invite link's token is a credential until used: it never reaches the log.
        url: req.url?.split('?')[0].replace(/\/auth\/invites\/[^/]+/, '/auth/invites/[redacted]'),
      }),
    },
    autoLogging: { ignore: (req) => req.url === '/health' },
  };
  return {
    // Express 5's path syntax: the package's default '*' makes Nest warn at every start.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: format === 'readable' ? [options, new ReadableLogStream()] : options,
  };
}
