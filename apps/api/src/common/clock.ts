import { Injectable } from '@nestjs/common';
import fs from 'node:fs';
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

/** What a clock file holds: the instant it was set to, and when (system time) it was set. */
export interface ClockFileContent {
  /** ISO 8601 instant. */
  at: string;
  /** `Date.now()` when the file was written; time runs on from `at` at the normal pace. */
  setAtMs: number;
  /** When true, time stands still at `at`. */
  frozen?: boolean;
}

/**
 * A clock set from a file (CLOCK_FILE, tests only), so a test can move the time of a service that
 * runs as a separate process, or of several at once. Time runs on from the file's instant at the
 * normal pace unless frozen. The file is re-read at most every 20 ms.
 */
export class FileClock extends Clock {
  private cached: { readAt: number; content: ClockFileContent } | null = null;

  constructor(private readonly file: string) {
    super();
  }

  override now(): Date {
    const wall = Date.now();
    if (!this.cached || wall - this.cached.readAt > 20) {
      this.cached = { readAt: wall, content: JSON.parse(fs.readFileSync(this.file, 'utf8')) as ClockFileContent };
    }
    const { at, setAtMs, frozen } = this.cached.content;
    return new Date(Date.parse(at) + (frozen ? 0 : wall - setAtMs));
  }
}

export function clockFor(clockFile: string | null): Clock {
  return clockFile ? new FileClock(clockFile) : new Clock();
}
