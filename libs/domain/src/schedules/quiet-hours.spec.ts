import fc from 'fast-check';
import { DateTime } from 'luxon';
import { formatLocalDateTime, formatLocalTime, quietAt, quietHoursProblems, quietWindowAt } from './quiet-hours';

const DAY = 86_400_000;
const NIGHT = { start: '21:00', end: '09:00' };

describe('quiet hours', () => {
  it('wrap past midnight: 21:00–09:00 in Taipei is quiet from 21:00 to 09:00 the next morning', () => {
    const evening = new Date('2027-03-15T12:59:00Z'); // 20:59 +08:00
    expect(quietAt(evening, NIGHT, 'Asia/Taipei')).toBeNull();
    expect(quietWindowAt(evening, NIGHT, 'Asia/Taipei')).toEqual({
      start: new Date('2027-03-15T13:00:00Z'),
      end: new Date('2027-03-16T01:00:00Z'),
    });
    expect(quietAt(new Date('2027-03-15T13:00:00Z'), NIGHT, 'Asia/Taipei')?.end).toEqual(
      new Date('2027-03-16T01:00:00Z'),
    );
    // After midnight the window is the one that began yesterday evening.
    expect(quietAt(new Date('2027-03-15T20:00:00Z'), NIGHT, 'Asia/Taipei')).toEqual({
      start: new Date('2027-03-15T13:00:00Z'),
      end: new Date('2027-03-16T01:00:00Z'),
    });
    // The end is exclusive: at 09:00 it is no longer quiet, and the next window is tonight's.
    expect(quietAt(new Date('2027-03-16T01:00:00Z'), NIGHT, 'Asia/Taipei')).toBeNull();
    expect(quietWindowAt(new Date('2027-03-16T01:00:00Z'), NIGHT, 'Asia/Taipei').start).toEqual(
      new Date('2027-03-16T13:00:00Z'),
    );
  });

  it('a window within one day (12:00–13:30) is quiet only inside it', () => {
    const lunch = { start: '12:00', end: '13:30' };
    expect(quietAt(new Date('2027-03-15T03:59:00Z'), lunch, 'Asia/Taipei')).toBeNull();
    expect(quietAt(new Date('2027-03-15T04:00:00Z'), lunch, 'Asia/Taipei')).not.toBeNull();
    expect(quietAt(new Date('2027-03-15T05:29:00Z'), lunch, 'Asia/Taipei')).not.toBeNull();
    expect(quietAt(new Date('2027-03-15T05:30:00Z'), lunch, 'Asia/Taipei')).toBeNull();
    expect(quietWindowAt(new Date('2027-03-15T06:00:00Z'), lunch, 'Asia/Taipei').start).toEqual(
      new Date('2027-03-16T04:00:00Z'),
    );
  });

  it('off (null) is never quiet', () => {
    expect(quietAt(new Date('2027-03-15T15:00:00Z'), null, 'Asia/Taipei')).toBeNull();
  });

  it('DST gap (New York, 2027-03-14, 02:00 → 03:00): a start of 02:30 begins when the gap ends, 03:00 EDT', () => {
    const early = { start: '02:30', end: '06:00' };
    const window = quietWindowAt(new Date('2027-03-14T06:00:00Z'), early, 'America/New_York'); // 01:00 EST
    expect(window).toEqual({
      start: new Date('2027-03-14T07:00:00Z'), // 03:00 EDT
      end: new Date('2027-03-14T10:00:00Z'), // 06:00 EDT
    });
    expect(quietAt(new Date('2027-03-14T06:59:00Z'), early, 'America/New_York')).toBeNull(); // 01:59 EST
    // An end in the gap ends the window when the gap ends, too: 22:00–02:30 ends at 03:00 EDT.
    const late = { start: '22:00', end: '02:30' };
    expect(quietAt(new Date('2027-03-14T06:30:00Z'), late, 'America/New_York')).toEqual({
      start: new Date('2027-03-14T03:00:00Z'), // 22:00 EST on the 13th
      end: new Date('2027-03-14T07:00:00Z'), // 03:00 EDT
    });
    expect(formatLocalTime(new Date('2027-03-14T07:00:00Z'), 'America/New_York')).toBe('03:00 -04:00');
  });

  it('a window wholly inside a DST gap (02:05–02:40 on the spring-forward day) is empty and skipped', () => {
    const inGap = { start: '02:05', end: '02:40' };
    const window = quietWindowAt(new Date('2027-03-14T05:00:00Z'), inGap, 'America/New_York'); // 00:00 EST
    expect(window).toEqual({
      start: new Date('2027-03-15T06:05:00Z'), // the next day's, 02:05 EDT
      end: new Date('2027-03-15T06:40:00Z'),
    });
  });

  it('DST overlap (New York, 2027-11-07, 01:00–02:00 twice): an end of 01:30 ends at the first 01:30 and does not come back', () => {
    const night = { start: '22:00', end: '01:30' };
    const window = quietAt(new Date('2027-11-07T05:00:00Z'), night, 'America/New_York'); // 01:00 EDT
    expect(window).toEqual({
      start: new Date('2027-11-07T02:00:00Z'), // 22:00 EDT on the 6th
      end: new Date('2027-11-07T05:30:00Z'), // 01:30 EDT, the first one
    });
    expect(formatLocalTime(window!.end, 'America/New_York')).toBe('01:30 -04:00');
    // 01:15 EST, the second time the clock shows 01:15: the window already ended.
    expect(quietAt(new Date('2027-11-07T06:15:00Z'), night, 'America/New_York')).toBeNull();
  });

  it('property: away from DST changes, quiet exactly when the wall clock is in [start, end); windows are ordered', () => {
    const zones = ['Asia/Taipei', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    const hhmm = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        hhmm,
        hhmm,
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 0, 1) }),
        (zone, start, end, ms) => {
          fc.pre(start !== end);
          const instant = new Date(ms);
          const window = quietWindowAt(instant, { start, end }, zone);
          expect(window.end.getTime()).toBeGreaterThan(instant.getTime());
          expect(window.end.getTime()).toBeGreaterThan(window.start.getTime());
          expect(window.end.getTime() - window.start.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
          const quiet = quietAt(instant, { start, end }, zone) !== null;
          expect(quiet).toBe(window.start.getTime() <= instant.getTime());
          const offset = (at: number) => DateTime.fromMillis(at, { zone }).offset;
          if (offset(ms - 2 * DAY) === offset(ms) && offset(ms + 2 * DAY) === offset(ms)) {
            const wall = DateTime.fromMillis(ms, { zone }).toFormat('HH:mm');
            expect(quiet).toBe(start < end ? wall >= start && wall < end : wall >= start || wall < end);
          }
          // The window after this one starts no earlier than this one's end.
          expect(quietWindowAt(window.end, { start, end }, zone).start.getTime()).toBeGreaterThanOrEqual(
            window.end.getTime(),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses what is not two different "HH:MM" times, naming the field', () => {
    expect(quietHoursProblems(null)).toEqual([]);
    expect(quietHoursProblems(NIGHT)).toEqual([]);
    expect(quietHoursProblems({ start: '9:00', end: '24:00' })).toEqual([
      { field: 'start', problem: expect.stringContaining('HH:MM') },
      { field: 'end', problem: expect.stringContaining('HH:MM') },
    ]);
    expect(quietHoursProblems({ start: '21:00' })).toEqual([{ field: 'end', problem: expect.any(String) }]);
    expect(quietHoursProblems({ start: '21:00', end: '21:00' })).toEqual([
      { field: 'end', problem: 'must differ from start (null turns quiet hours off)' },
    ]);
    expect(quietHoursProblems({ start: '21:00', end: '09:00', tz: 'x' })).toEqual([
      { field: 'tz', problem: 'is not a field of quietHours' },
    ]);
    expect(quietHoursProblems('21:00-09:00')).toHaveLength(1);
    expect(quietHoursProblems([])).toHaveLength(1);
    expect(quietHoursProblems({ start: 2100, end: null })).toHaveLength(2);
  });

  it('writes times in the zone with the offset', () => {
    expect(formatLocalTime(new Date('2027-03-16T01:00:00Z'), 'Asia/Taipei')).toBe('09:00 +08:00');
    expect(formatLocalDateTime(new Date('2027-03-16T01:00:00Z'), 'Asia/Taipei')).toBe('2027-03-16 09:00 +08:00');
  });
});
