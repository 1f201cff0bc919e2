import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  problem: string;
}

/** An error with the API's shape: `{statusCode, error, message, details}`. */
export class ApiError extends HttpException {
  /** Response headers the error needs (e.g. Retry-After); the exception filter sets them. */
  headers: Record<string, string> = {};

  /** `extra`: more fields of the error body, e.g. the run a refused send-now created. */
  constructor(
    status: HttpStatus,
    message: string,
    readonly details: FieldProblem[] = [],
    extra: Record<string, unknown> = {},
  ) {
    super({ message, details, extra }, status);
  }

  static badRequest(message: string, details: FieldProblem[] = []): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, message, details);
  }

  static field(field: string, problem: string): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, `${field}: ${problem}`, [{ field, problem }]);
  }

  static notFound(what: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, `${what} not found`);
  }

  static forbidden(message: string): ApiError {
    return new ApiError(HttpStatus.FORBIDDEN, message);
  }

  static conflict(message: string, details: FieldProblem[] = []): ApiError {
    return new ApiError(HttpStatus.CONFLICT, message, details);
  }

  static unprocessable(message: string, details: FieldProblem[] = [], extra: Record<string, unknown> = {}): ApiError {
    return new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, message, details, extra);
  }

  /** 429 with Retry-After (and `retryAfterSeconds` in the body) for a client that must wait. */
  static tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
    const error = new ApiError(HttpStatus.TOO_MANY_REQUESTS, message, [], { retryAfterSeconds });
    error.headers = { 'Retry-After': String(retryAfterSeconds) };
    return error;
  }

  /** A stale `version` on an update. */
  static staleVersion(what: string, current: number): ApiError {
    return new ApiError(
      HttpStatus.CONFLICT,
      `${what} was changed by someone else (current version ${current}); reload and retry`,
      [{ field: 'version', problem: `stale; current version is ${current}` }],
    );
  }
}
