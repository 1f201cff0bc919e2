import fc from 'fast-check';
import { cronProblem, CronSyntaxError, matchesDay, parseCron } from './cron';

describe('parseCron', () => {
  it('reads numbers, ranges, steps, lists and *', () => {
    const cron = parseCron('0,30 9-17/4 */10 1-3,12 1-5');
    expect(cron.minutes.values).toEqual([0, 30]);
    expect(cron.hours.values).toEqual([9, 13, 17]);
    expect(cron.daysOfMonth.values).toEqual([1, 11, 21, 31]);
    expect(cron.months.values).toEqual([1, 2, 3, 12]);
    expect(cron.daysOfWeek.values).toEqual([1, 2, 3, 4, 5]);
    expect(cron.daysOfMonth.restricted).toBe(false); // starts with *
    expect(cron.daysOfWeek.restricted).toBe(true);
  });

  it('reads `a/n` as a to the field end, names, and 7 as Sunday', () => {
    const cron = parseCron('5/20 * * jan,JUN-aug sun,7,Sat');
    expect(cron.minutes.values).toEqual([5, 25, 45]);
    expect(cron.months.values).toEqual([1, 6, 7, 8]);
    expect(cron.daysOfWeek.values).toEqual([0, 6]);
  });

  it('normalizes whitespace in the source', () => {
    expect(parseCron('  0   10 * *\t1 ').source).toBe('0 10 * * 1');
  });

  it.each([
    ['', null],
    ['* * * *', null],
    ['* * * * * *', null],
    ['60 * * * *', 'minute'],
    ['* 24 * * *', 'hour'],
    ['* * 0 * *', 'dayOfMonth'],
    ['* * 32 * *', 'dayOfMonth'],
    ['* * * 13 *', 'month'],
    ['* * * * 8', 'dayOfWeek'],
    ['5-1 * * * *', 'minute'],
    ['*/0 * * * *', 'minute'],
    ['1/2/3 * * * *', 'minute'],
    ['1-2-3 * * * *', 'minute'],
    ['a * * * *', 'minute'],
    ['* * * foo *', 'month'],
    ['-1 * * * *', 'minute'],
    ['1, * * * *', 'minute'],
    ['*/x * * * *', 'minute'],
  ])('refuses %j naming the field %s', (source, field) => {
    expect(() => parseCron(source)).toThrow(CronSyntaxError);
    try {
      parseCron(source);
    } catch (error) {
      expect((error as CronSyntaxError).field).toBe(field);
    }
    expect(cronProblem(source)).toEqual(expect.any(String));
  });

  it('combines the day fields as Vixie cron does', () => {
    // Both restricted: the 13th OR a Friday.
    const either = parseCron('0 0 13 * 5');
    expect(matchesDay(either, 13, 2)).toBe(true);
    expect(matchesDay(either, 14, 5)).toBe(true);
    expect(matchesDay(either, 14, 2)).toBe(false);
    // One of them starts with *: both must match (and * matches everything).
    const fridays = parseCron('0 0 * * 5');
    expect(matchesDay(fridays, 13, 2)).toBe(false);
    expect(matchesDay(fridays, 14, 5)).toBe(true);
    const stepped = parseCron('0 0 */2 * 5');
    expect(matchesDay(stepped, 3, 5)).toBe(true);
    expect(matchesDay(stepped, 3, 4)).toBe(false);
    expect(matchesDay(stepped, 2, 5)).toBe(false);
  });

  it('never throws anything but CronSyntaxError, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .array(fc.constantFrom('*', '/', '-', ',', ' ', '1', '7', '59', 'MON', 'x'), { maxLength: 20 })
            .map((a) => a.join('')),
        ),
        (text) => {
          try {
            const cron = parseCron(text);
            for (const field of [cron.minutes, cron.hours, cron.daysOfMonth, cron.months, cron.daysOfWeek])
              expect(field.values.length).toBeGreaterThan(0);
          } catch (error) {
            expect(error).toBeInstanceOf(CronSyntaxError);
          }
        },
      ),
    );
  });
});
