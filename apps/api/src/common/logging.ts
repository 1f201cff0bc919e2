import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { ReadableLogStream } from './readable-log';
import { safeError } from './safe-error';

/** Everything that could carry a credential, wherever it sits in a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-line-signature"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.channelAccessToken',
  '*.channelSecret',
  '*.secret',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.*.channelAccessToken',
  '*.*.channelSecret',
  '*.*.secret',
  '*.*.token',
  // An ORM error's call arguments and metadata, should one reach a line other than as an error.
  '*.meta',
  '*.args',
];

/** Keys besides `err` (which has its serializer) under which code may log an error. */
const ERROR_KEYS = ['error', 'cause', 'exception'];

/** Applied to every line before it is written: an error under any other top-level key is replaced by its safe form. */
export function safeLogObject(object: Record<string, unknown>): Record<string, unknown> {
  let changed: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(object)) {
    if (key === 'err') continue;
    if (value instanceof Error || (ERROR_KEYS.includes(key) && typeof value === 'object' && value !== null)) {
      changed ??= { ...object };
      changed[key] = safeError(value);
    }
  }
  return changed ?? object;
}

/** `readable`: a terminal's lines (see readable-log.ts); `json`: one JSON object a line, for machines. */
export type LogFormat = 'readable' | 'json';

/** `destination`: where lines go instead of stdout (the tests capture them to search for secrets). */
export function loggerOptions(level: string, format: LogFormat = 'json', destination?: DestinationStream): Params {
  const options: Options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { log: safeLogObject },
    // pino-http runs pino's own error serializer before a custom one under its error key, and that
    // copy has lost what safeError reads (a driver error's SQLSTATE). So pino-http's own "request
    // errored" lines get a key of their own, and `err`, where this code logs errors, stays ours alone.
    customAttributeKeys: { err: 'requestError' },
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
      err: safeError,
      requestError: safeError,
      // Code also logs outcomes it described itself (already scrubbed) as an `error` string.
      error: (value: unknown) => (typeof value === 'string' ? value : safeError(value)),
    },
    autoLogging: { ignore: (req) => req.url === '/health' },
  };
  return {
    // Express 5's path syntax: the package's default '*' makes Nest warn at every start.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: destination
      ? [options, destination]
      : format === 'readable'
        ? [options, new ReadableLogStream()]
        : options,
  };
}
