import {
  CallHandler,
  ExecutionContext,
  HttpStatus,
  INestApplication,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import { isUtf8 } from 'node:buffer';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Observable } from 'rxjs';
import { UNSTORABLE_TEXT_PROBLEM } from '@lcm/domain/text';
import { ApiError } from './api-error';

/**
 * What a request body may be before anything reads its values: JSON at most this deep, at most this
 * large. Both are checked on the raw bytes, so no code (class-transformer, class-validator, a
 * service) ever walks a body that could exhaust its stack.
 */
export const INPUT_LIMITS = {
  /** Objects and arrays inside one another; flex messages and audience rule trees stay far below. */
  maxJsonDepth: 64,
  /** Any JSON body: a campaign's 100 message objects at LINE's 30 KB each fit. */
  maxJsonBytes: 4 * 1024 * 1024,
  /** A bulk contact upsert (10,000 contacts with their attributes). */
  maxBulkJsonBytes: 20 * 1024 * 1024,
} as const;

/** The one route whose JSON body may be larger than maxJsonBytes. */
const BULK_JSON_ROUTE = { method: 'PUT', path: /^\/api\/v1\/line-accounts\/[^/]+\/contacts\/?$/ };

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * A JSON body refused on its raw bytes, before parsing: body-parser passes it on when verify throws,
 * and the exception filter answers 400 with its message and, on the `body` field, its problem.
 */
export class BodyRefusedError extends Error {
  readonly status = HttpStatus.BAD_REQUEST;
  readonly type = 'entity.refused';
  constructor(
    message: string,
    readonly problem: string,
  ) {
    super(message);
  }
}

/** What a JSON body must be, checked on its bytes: each refusal says which rule it broke. */
export function refuseJsonBytes(buffer: Buffer): BodyRefusedError | null {
  if (jsonDepthExceeds(buffer, INPUT_LIMITS.maxJsonDepth)) {
    return new BodyRefusedError(
      `the request body is nested more than ${INPUT_LIMITS.maxJsonDepth} levels deep`,
      `nested more than ${INPUT_LIMITS.maxJsonDepth} levels deep`,
    );
  }
  // JSON.parse would turn invalid bytes into U+FFFD and store them: a client's encoding bug
  // silently corrupting names and messages. Refuse them instead.
  if (!isUtf8(buffer)) {
    return new BodyRefusedError('the request body is not valid UTF-8', 'holds bytes that are not UTF-8');
  }
  const first = buffer.find((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d);
  if (first !== undefined && first !== 0x7b && first !== 0x5b) {
    return new BodyRefusedError(
      'the request body must be a JSON object (or, where a route says so, an array), not a bare value',
      'must be a JSON object',
    );
  }
  return null;
}

/**
 * Whether the JSON text nests objects and arrays deeper than `maxDepth`. A byte scan (brackets
 * inside strings don't count), so it costs one pass and no recursion whatever the input.
 */
export function jsonDepthExceeds(json: Buffer | string, maxDepth: number): boolean {
  const bytes = typeof json === 'string' ? Buffer.from(json) : json;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (inString) {
      if (byte === 0x5c)
        index++; // a backslash escapes the next character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
  return false;
}

function jsonParser(limit: number): RequestHandler {
  return express.json({
    limit,
    type: JSON_TYPES,
    // The webhook checks LINE's signature against the bytes as sent, so they are kept.
    verify: (request: Request & { rawBody?: Buffer }, _response, buffer) => {
      request.rawBody = buffer;
      const refused = refuseJsonBytes(buffer);
      if (refused) throw refused;
    },
  });
}

/** Whether the request carries a body at all (a POST without one is a request without a body). */
export function hasBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && length !== '0';
}

function mediaType(request: Request): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function isJsonType(type: string): boolean {
  return type === 'application/json' || /^application\/[^/]+\+json$/.test(type);
}

/**
 * Refuses with 415 a body of a media type the route does not take: JSON, unless the route declares
 * others with @ApiConsumes (the OpenAPI document's own statement, so the two can't disagree). A
 * request without a body passes whatever its Content-Type, so routes whose body is optional work
 * for clients that send none.
 */
@Injectable()
export class ContentTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (hasBody(request)) {
      const declared = this.reflector.getAllAndOverride<string[] | undefined>(DECORATORS.API_CONSUMES, [
        context.getHandler(),
        context.getClass(),
      ]);
      const type = mediaType(request);
      const accepted = declared?.length ? declared.includes(type) : isJsonType(type);
      if (!accepted) {
        const expected = declared?.length ? declared.join(' or ') : 'application/json';
        throw new ApiError(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          `this route takes ${expected}, not ${type || 'a body without a Content-Type'}`,
          [{ field: 'Content-Type', problem: `must be ${expected}` }],
        );
      }
    }
    return next.handle();
  }
}

/**
 * The first query parameter whose percent-encoding is not UTF-8 (a lone surrogate's bytes, say):
 * the query parser would turn it into U+FFFD and pass it on, where the body's bytes are refused.
 */
export function undecodableQueryParameter(url: string): { field: string; inKey: boolean } | null {
  const start = url.indexOf('?');
  if (start < 0) return null;
  const decodes = (text: string) => {
    // A stray "%" (not an escape) is left to the query parser, which keeps it as it is.
    if (/%(?![0-9a-fA-F]{2})/.test(text)) return true;
    try {
      decodeURIComponent(text.replace(/\+/g, ' '));
      return true;
    } catch {
      return false;
    }
  };
  for (const pair of url.slice(start + 1).split('&')) {
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    if (!decodes(key)) return { field: 'query', inKey: true };
    if (equals >= 0 && !decodes(pair.slice(equals + 1))) return { field: parameterName(key), inKey: false };
  }
  return null;
}

function parameterName(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key; // a stray "%" in it
  }
}

/**
 * A body the parser could not read, said on the header at fault: compressed data that doesn't
 * inflate (zlib's and brotli's errors), a Content-Encoding or charset it doesn't know. Left to
 * Nest, the first reached the client as a bare "Bad Request" and the others without a field.
 */
export function unreadableBody(error: unknown, request: Request): ApiError | null {
  const { code, type } = (error ?? {}) as { code?: unknown; type?: unknown };
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (typeof code === 'string' && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(code)) {
    const problem = `is not valid ${encoding} (Content-Encoding: ${encoding})`; // as the CSV import says it
    return ApiError.badRequest(`the request body ${problem}`, [{ field: 'body', problem }]);
  }
  if (type === 'encoding.unsupported')
    return new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `unsupported content encoding "${encoding}"`, [
      { field: 'Content-Encoding', problem: `must be gzip, deflate, br or identity, not ${encoding}` },
    ]);
  if (type === 'charset.unsupported')
    return new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, (error as Error).message, [
      { field: 'Content-Type', problem: 'charset must be utf-8' },
    ]);
  return null;
}

/**
 * Installs the boundary every request crosses before validation: query parameters that decode to
 * UTF-8 (else 400 naming the parameter), the JSON parser with its size and depth limits (the only
 * body parser: other media types are left unread for the routes that stream them), and the
 * media-type check. Needs the app created with `bodyParser: false`.
 */
export function installInputBoundary(app: INestApplication): void {
  const standard = jsonParser(INPUT_LIMITS.maxJsonBytes);
  const bulk = jsonParser(INPUT_LIMITS.maxBulkJsonBytes);
  const isBulk = (request: Request) =>
    request.method === BULK_JSON_ROUTE.method && BULK_JSON_ROUTE.path.test(request.path);
  app.use((request: Request, _response: Response, next: NextFunction) => {
    const bad = undecodableQueryParameter(request.originalUrl);
    if (!bad) return next();
    const problem = bad.inKey ? `has a key that ${UNSTORABLE_TEXT_PROBLEM}` : UNSTORABLE_TEXT_PROBLEM;
    next(ApiError.badRequest(`${bad.field}: ${problem}`, [{ field: bad.field, problem }]));
  });
  app.use((request: Request, response: Response, next: NextFunction) =>
    (isBulk(request) ? bulk : standard)(request, response, (error?: unknown) =>
      next(error === undefined ? undefined : (unreadableBody(error, request) ?? error)),
    ),
  );
  app.useGlobalInterceptors(new ContentTypeInterceptor(app.get(Reflector)));
}
