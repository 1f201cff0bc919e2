import { Injectable } from '@nestjs/common';
import { sendTimesInMonth, SendTimes } from '@lcm/domain/forecast';
import type { RecurringSchedule } from '@lcm/domain/schedules';

/** Entries kept (each a few numbers); past it the least recently used goes. */
export const SEND_TIMES_CACHE_LIMIT = 10_000;

/**
 * The month's projection counts each recurring campaign's sends left in the month by walking its
 * cron an occurrence at a time through the time-zone arithmetic, which was most of the CPU of
 * GET /line-accounts/:id/usage and of every forecast that projects the month (README, "API
 * latency"). The walk's answer is a pure function of the send's time, the recurrence's fields and
 * the month's bounds, so this cache keys on exactly those, as read from PostgreSQL in the same
 * request: a run rescheduled, a schedule edited or a month changed is a different key, seen at once
 * by every instance; nothing is invalidated and nothing can be stale.
 */
@Injectable()
export class SendTimesCache {
  private readonly entries = new Map<string, SendTimes>();

  sendTimes = (at: Date, recurrence: RecurringSchedule | null, start: Date, end: Date): SendTimes => {
    // A one-off send is a comparison, cheaper than a key.
    if (!recurrence) return sendTimesInMonth(at, recurrence, start, end);
    const key = [
      at.getTime(),
      start.getTime(),
      end.getTime(),
      recurrence.until.getTime(),
      recurrence.timezone,
      recurrence.cron,
    ].join('|');
    const known = this.entries.get(key);
    if (known) {
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    // Frozen: one answer is shared by every request that asks.
    const computed = Object.freeze(sendTimesInMonth(at, recurrence, start, end));
    if (this.entries.size >= SEND_TIMES_CACHE_LIMIT) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, computed);
    return computed;
  };

  /** Entries held (for tests of the bound). */
  get size(): number {
    return this.entries.size;
  }
}
