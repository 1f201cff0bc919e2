import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiError } from './api-error';

/** A path parameter that must be a UUID; anything else is a 400 naming the parameter. */
export const UuidParam = (name: string) =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => ApiError.field(name, 'must be a UUID') }));
