import fc from 'fast-check';
import { firstDayOf, isInMonth, localDateOf, monthBounds, monthOf, nextMonth, previousMonth } from './account-month';
import { isValidTimeZone } from '../time/zoned-time';

describe('the account month', () => {
  it('puts 2026-11-30T16:30Z in December for an account in Asia/Taipei (UTC+8)', () => {
    expect(monthOf(new Date('2026-11-30T16:30:00Z'), 'Asia/Taipei')).toBe('2026-12');
    expect(monthOf(new Date('2026-11-30T16:30:00Z'), 'UTC')).toBe('2026-11');
    expect(monthOf(new Date('2026-11-30T15:59:59.999Z'), 'Asia/Taipei')).toBe('2026-11');
    expect(monthOf(new Date('2026-11-30T16:00:00Z'), 'Asia/Taipei')).toBe('2026-12');
    expect(localDateOf(new Date('2026-11-30T16:30:00Z'), 'Asia/Taipei')).toBe('2026-12-01');
  });

  it('bounds a Taipei month at local midnights', () => {
    expect(monthBounds('2026-12', 'Asia/Taipei')).toEqual({
      start: new Date('2026-11-30T16:00:00Z'),
      end: new Date('2026-12-31T16:00:00Z'),
    });
  });

  it('follows DST in America/New_York: March starts in EST and ends in EDT', () => {
    expect(monthBounds('2026-03', 'America/New_York')).toEqual({
      start: new Date('2026-03-01T05:00:00Z'),
      end: new Date('2026-04-01T04:00:00Z'),
    });
    expect(monthBounds('2026-11', 'America/New_York')).toEqual({
      start: new Date('2026-11-01T04:00:00Z'),
      end: new Date('2026-12-01T05:00:00Z'),
    });
  });

  it('starts the month at the first instant of the 1st when DST skips local midnight (America/Asuncion, 2023-10-01)', () => {
    const { start } = monthBounds('2023-10', 'America/Asuncion');
    expect(start).toEqual(new Date('2023-10-01T04:00:00Z')); // 00:00 -04 became 01:00 -03
    expect(monthOf(new Date(start.getTime() - 1), 'America/Asuncion')).toBe('2023-09');
  });

  it('handles quarter-hour zones and year ends', () => {
    expect(monthBounds('2027-01', 'Asia/Kathmandu').start).toEqual(new Date('2026-12-31T18:15:00Z'));
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(firstDayOf('2026-11')).toBe('2026-11-01');
    expect(() => nextMonth('2026-13')).toThrow(RangeError);
  });

  it('rejects unknown zones', () => {
    expect(isValidTimeZone('Asia/Taipei')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(() => monthOf(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });

  it('has every instant inside the bounds of its own month, and months tile time', () => {
    const zones = [
      'Asia/Taipei',
      'Asia/Tokyo',
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'America/Asuncion',
      'Pacific/Chatham',
      'UTC',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const instant = new Date(ms);
          const month = monthOf(instant, zone);
          const { start, end } = monthBounds(month, zone);
          expect(start.getTime()).toBeLessThanOrEqual(ms);
          expect(ms).toBeLessThan(end.getTime());
          expect(monthOf(new Date(start.getTime() - 1), zone)).toBe(previousMonth(month));
          expect(monthOf(new Date(end.getTime() - 1), zone)).toBe(month);
          expect(monthOf(end, zone)).toBe(nextMonth(month));
          expect(isInMonth(instant, month, zone)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
