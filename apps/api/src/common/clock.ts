import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';

/**
 * The one source of time, behind a class tests can swap: `now()` is the wall-clock time every
 * business rule and query compares against (SQL included: it is passed in, not read with now());
 * `elapsedMs()` is a monotonic reading for rate limits and caches, which measure time passing.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  elapsedMs(): number {
    return performance.now();
  }
}
