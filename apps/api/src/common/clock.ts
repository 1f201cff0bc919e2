import { Injectable } from '@nestjs/common';

/** The time, behind a class tests can swap. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
