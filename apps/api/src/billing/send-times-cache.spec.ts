import { sendTimesInMonth } from '@lcm/domain/forecast';
import { SEND_TIMES_CACHE_LIMIT, SendTimesCache } from './send-times-cache';

describe('SendTimesCache', () => {
  const start = new Date('2027-02-28T16:00:00Z');
  const end = new Date('2027-03-31T16:00:00Z');
  const recurrence = (cron: string, timezone = 'Asia/Taipei') => ({
    cron,
    timezone,
    until: new Date('2027-06-30T00:00:00Z'),
  });

  it('answers what the walk answers, for each of the fields it depends on', () => {
    const cache = new SendTimesCache();
    const cases: [Date, ReturnType<typeof recurrence> | null][] = [
      [new Date('2027-03-02T02:00:00Z'), recurrence('0 10 * * *')],
      [new Date('2027-03-02T02:00:00Z'), recurrence('0 10 * * 1')],
      [new Date('2027-03-09T02:00:00Z'), recurrence('0 10 * * 1')],
      [new Date('2027-03-02T02:00:00Z'), recurrence('0 10 * * *', 'America/New_York')],
      [new Date('2027-03-02T02:00:00Z'), { ...recurrence('0 10 * * *'), until: new Date('2027-03-10T00:00:00Z') }],
      [new Date('2027-03-02T02:00:00Z'), null],
    ];
    for (let round = 0; round < 2; round++)
      for (const [at, schedule] of cases)
        expect(cache.sendTimes(at, schedule, start, end)).toEqual(sendTimesInMonth(at, schedule, start, end));
    // The month's bounds are part of the key too.
    const april = { start: end, end: new Date('2027-04-30T16:00:00Z') };
    const [at, schedule] = cases[0];
    expect(cache.sendTimes(at, schedule, april.start, april.end)).toEqual(
      sendTimesInMonth(at, schedule, april.start, april.end),
    );
  });

  it('keeps at most its limit', () => {
    const cache = new SendTimesCache();
    const first = new Date('2027-03-02T02:00:00Z');
    cache.sendTimes(first, recurrence('0 10 * * *'), start, end);
    for (let i = 1; i <= SEND_TIMES_CACHE_LIMIT; i++) {
      cache.sendTimes(new Date(first.getTime() + i * 60_000), recurrence('0 10 1 1 *'), start, end);
    }
    expect(cache.size).toBe(SEND_TIMES_CACHE_LIMIT);
  });
});
