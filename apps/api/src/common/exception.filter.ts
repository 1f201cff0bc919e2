import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { databaseTrouble } from '../database/database-errors';
import { UNSTORABLE_TEXT_PROBLEM } from '@lcm/domain/text';
import { ApiError, FieldProblem } from './api-error';
import { BodyRefusedError } from './input-boundary';

/** Seconds a client is told to wait before retrying a request the database was too busy for. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details: FieldProblem[];
  errorId?: string;
  [extra: string]: unknown;
}

/**
 * The one place errors become responses, all in the API's shape. Anything not recognised as the
 * client's fault is a 500 that carries an error id, logged with the same id.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const request = host.switchToHttp().getRequest<Request>();
    const body = this.toBody(exception, request);
    if (!request.complete) {
      // Refused before its body was read to the end (a CSV refused at its header, a guard): what the
      // client still sends would be parsed as its next request on this connection, so close it.
      response.setHeader('Connection', 'close');
      request.resume();
    }
    if (exception instanceof ApiError) response.set(exception.headers);
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', BUSY_RETRY_AFTER_SECONDS);
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, request: Request): ErrorBody {
    if (isUndecodablePathError(exception)) {
      // Express could not decode a path parameter (e.g. %ED%A0%80, a lone surrogate's bytes): the
      // same sentence, on the same field, as a NUL in it gets from validation.
      const field = undecodablePathParameter(request);
      return body(HttpStatus.BAD_REQUEST, `${field}: ${UNSTORABLE_TEXT_PROBLEM}`, [
        { field, problem: UNSTORABLE_TEXT_PROBLEM },
      ]);
    }
    if (isJsonSyntaxError(exception)) {
      return body(HttpStatus.BAD_REQUEST, 'the request body is not valid JSON', [
        { field: 'body', problem: 'malformed JSON' },
      ]);
    }
    if (exception instanceof HttpException) return fromHttpException(exception);
    const clientError = fromClientError(exception);
    if (clientError) return clientError;
    const trouble = databaseTrouble(exception);
    if (trouble) {
      // Not a bug: a lock, a connection or a statement took longer than TIMEOUT_POLICY allows.
      this.logger.warn({ err: exception }, `database ${trouble}; answered 503`);
      return body(
        HttpStatus.SERVICE_UNAVAILABLE,
        trouble === 'busy'
          ? `the service is busy with other changes to the same data; retry in ${BUSY_RETRY_AFTER_SECONDS} s`
          : `the database is unavailable; retry in ${BUSY_RETRY_AFTER_SECONDS} s`,
      );
    }
    const errorId = randomUUID();
    // The logger writes the error in its safe form (common/safe-error.ts), never its text or metadata.
    this.logger.error({ err: exception, errorId }, `unexpected error ${errorId}`);
    return {
      statusCode: 500,
      error: STATUS_CODES[500]!,
      message: `Internal error; quote error id ${errorId}`,
      details: [],
      errorId,
    };
  }
}

function fromHttpException(exception: HttpException): ErrorBody {
  const statusCode = exception.getStatus();
  const payload = exception.getResponse();
  let message = exception.message;
  let details: FieldProblem[] = [];
  let extra: Record<string, unknown> = {};
  if (typeof payload === 'object' && payload !== null) {
    const record = payload as { message?: unknown; details?: unknown; extra?: unknown };
    if (Array.isArray(record.message)) message = record.message.join('; ');
    else if (typeof record.message === 'string') message = record.message;
    if (Array.isArray(record.details)) details = record.details as FieldProblem[];
    if (exception instanceof ApiError && typeof record.extra === 'object' && record.extra !== null)
      extra = record.extra as Record<string, unknown>;
  } else if (typeof payload === 'string') {
    message = payload;
  }
  return { ...extra, statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, details };
}

/** Errors thrown below Nest on a client's behalf: malformed JSON, oversized or too deep bodies, Prisma's known ones. */
function fromClientError(exception: unknown): ErrorBody | null {
  const error = exception as {
    status?: number;
    statusCode?: number;
    type?: string;
    limit?: number;
    code?: string;
    message?: string;
    meta?: { target?: unknown };
  };
  if (!error || typeof error !== 'object') return null;
  const status = error.status ?? error.statusCode;
  if (error.type === 'entity.parse.failed') {
    return body(HttpStatus.BAD_REQUEST, 'the request body is not valid JSON', [
      { field: 'body', problem: 'malformed JSON' },
    ]);
  }
  if (error.type === 'entity.too.large') {
    const limit = typeof error.limit === 'number' ? ` (at most ${error.limit} bytes)` : '';
    return body(HttpStatus.PAYLOAD_TOO_LARGE, `the request body is too large${limit}`, [
      { field: 'body', problem: `too large${limit}` },
    ]);
  }
  if (exception instanceof BodyRefusedError) {
    return body(HttpStatus.BAD_REQUEST, exception.message, [{ field: 'body', problem: exception.problem }]);
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return body(status, error.message ?? STATUS_CODES[status] ?? 'Bad Request');
  }
  if (error.code === 'P2002') {
    const fields = uniqueFields(error.meta);
    if (!fields.length)
      return body(HttpStatus.CONFLICT, 'already exists (a unique field must be unique)', [
        { field: 'body', problem: 'already taken' },
      ]);
    const together = fields.length > 1 ? ' together' : '';
    return body(
      HttpStatus.CONFLICT,
      `already exists (${fields.join(', ')} must be unique${together})`,
      fields.map((field) => ({
        field,
        problem:
          fields.length > 1 ? `already taken with ${fields.filter((f) => f !== field).join(', ')}` : 'already taken',
      })),
    );
  }
  if (error.code === 'P2025') return body(HttpStatus.NOT_FOUND, 'not found');
  return null;
}

/**
 * The API's names of the columns a unique violation is about. Prisma names them in meta.target
 * without a driver adapter; with the pg adapter (ours) only in the adapter's error, as the columns
 * (snake_case), so a race two requests lost (a check, then the insert) named no field at all.
 */
export function uniqueFields(meta: unknown): string[] {
  const record = (meta ?? {}) as {
    target?: unknown;
    driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } };
  };
  const named = Array.isArray(record.target) ? record.target : record.driverAdapterError?.cause?.constraint?.fields;
  if (!Array.isArray(named)) return [];
  return named
    .filter((name): name is string => typeof name === 'string')
    .map((name) => name.replace(/^"|"$/g, '').replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()));
}

interface RouteLayer {
  route?: { path?: unknown; methods?: Record<string, boolean> };
}

/**
 * The name of the path parameter whose percent-encoding is not UTF-8, from the route the path
 * matches (Express says only the value); "path" when no route tells.
 */
function undecodablePathParameter(request: Request): string {
  const segments = request.path.split('/');
  const bad = segments.findIndex((segment) => {
    try {
      decodeURIComponent(segment);
      return false;
    } catch {
      return true;
    }
  });
  const stack = (request.app as { router?: { stack?: RouteLayer[] } } | undefined)?.router?.stack ?? [];
  for (const { route } of stack) {
    if (typeof route?.path !== 'string' || !route.methods?.[request.method.toLowerCase()]) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length || !pattern[bad]?.startsWith(':')) continue;
    if (pattern.every((part, index) => part.startsWith(':') || part === segments[index])) return pattern[bad].slice(1);
  }
  return 'path';
}

/** Nest turns the router's URIError for a path parameter into a bare BadRequestException carrying its message. */
function isUndecodablePathError(exception: unknown): boolean {
  return (
    exception instanceof BadRequestException &&
    !(exception instanceof ApiError) &&
    exception.message.startsWith('Failed to decode param ')
  );
}

/** Nest turns body-parser's SyntaxError into a bare BadRequestException carrying its message. */
function isJsonSyntaxError(exception: unknown): boolean {
  return exception instanceof BadRequestException && !(exception instanceof ApiError) && /JSON/.test(exception.message);
}

function body(statusCode: number, message: string, details: FieldProblem[] = []): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, details };
}
