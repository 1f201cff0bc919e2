import fc from 'fast-check';
import { cronProblem, CronSyntaxError, parseCron } from './cron';

/** A wall-clock minute as the expression sees it (UTC milliseconds). */
const at = (text: string) => Date.parse(`${text}Z`);
const matching = (source: string, from: string, count: number) => {
  const cron = parseCron(source);
  const found: string[] = [];
  let wall = at(from);
  while (found.length < count) {
    wall = cron.nextAfter(wall)!;
    found.push(new Date(wall).toISOString().slice(0, 16));
  }
  return found;
};

describe('parseCron', () => {
  it('reads numbers, ranges, steps, lists and *', () => {
    const cron = parseCron('0,30 9-17/4 */10 1-3,12 1-5');
    expect(cron.matches(at('2026-01-01T13:30'))).toBe(true); // Thursday the 1st
    expect(cron.matches(at('2026-01-01T13:15'))).toBe(false); // minute
    expect(cron.matches(at('2026-01-01T11:30'))).toBe(false); // hour: 9, 13, 17
    expect(cron.matches(at('2026-01-02T13:30'))).toBe(false); // day: 1, 11, 21, 31
    expect(cron.matches(at('2026-04-01T13:30'))).toBe(false); // month
    expect(cron.matches(at('2026-02-21T13:30'))).toBe(false); // Saturday
  });

  it('reads `a/n` as a to the field end, names, and 7 as Sunday', () => {
    expect(matching('5/20 * * jan,JUN-aug sun,7,Sat', '2026-11-22T00:00', 4)).toEqual([
      '2027-01-02T00:05', // a Saturday in January
      '2027-01-02T00:25',
      '2027-01-02T00:45',
      '2027-01-02T01:05',
    ]);
  });

  it('reads the L, W, # and ? that people paste from other crons', () => {
    expect(matching('0 9 L * *', '2026-11-01T00:00', 3)).toEqual([
      '2026-11-30T09:00',
      '2026-12-31T09:00',
      '2027-01-31T09:00',
    ]);
    // The weekday nearest the 15th: 2026-11-15 is a Sunday, so Monday the 16th.
    expect(matching('0 9 15W * *', '2026-11-01T00:00', 2)).toEqual(['2026-11-16T09:00', '2026-12-15T09:00']);
    expect(matching('0 9 * * 1#2', '2026-11-01T00:00', 2)).toEqual(['2026-11-09T09:00', '2026-12-14T09:00']);
    expect(matching('0 9 * * 5L', '2026-11-01T00:00', 2)).toEqual(['2026-11-27T09:00', '2026-12-25T09:00']);
    expect(matching('0 9 ? * MON', '2026-11-22T00:00', 2)).toEqual(['2026-11-23T09:00', '2026-11-30T09:00']);
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
    ['0 9 * * 1#6', 'dayOfWeek'],
    ['0 9 32W * *', 'dayOfMonth'],
  ])('refuses %j naming the field %s', (source, field) => {
    expect(() => parseCron(source)).toThrow(CronSyntaxError);
    try {
      parseCron(source);
    } catch (error) {
      expect((error as CronSyntaxError).field).toBe(field);
    }
    expect(cronProblem(source)).toEqual(expect.any(String));
  });

  it('says which field is wrong and what it takes', () => {
    expect(cronProblem('60 10 * * 1')).toMatch(/^minute: "60" is not valid \(0-59\)/);
    // In our words only: croner's own text named other numbers than the ones given.
    expect(cronProblem('0 0 32 * *')).toBe('dayOfMonth: "32" is not valid (1-31, L, 15W)');
    expect(cronProblem('0 0 0 * *')).toBe('dayOfMonth: "0" is not valid (1-31, L, 15W)');
    expect(cronProblem('0 0 * 13 *')).toBe('month: "13" is not valid (1-12 or JAN-DEC)');
    expect(cronProblem('0 10 * * 1')).toBeNull();
  });

  it('combines the day fields as Vixie cron does', () => {
    // Both restricted: the 13th OR a Friday.
    const either = parseCron('0 0 13 * 5');
    expect(either.matches(at('2026-10-13T00:00'))).toBe(true); // a Tuesday the 13th
    expect(either.matches(at('2026-11-06T00:00'))).toBe(true); // a Friday the 6th
    expect(either.matches(at('2026-11-05T00:00'))).toBe(false);
    // One of them starts with *: both must match (and * matches everything).
    const fridays = parseCron('0 0 * * 5');
    expect(fridays.matches(at('2026-10-13T00:00'))).toBe(false);
    expect(fridays.matches(at('2026-11-06T00:00'))).toBe(true);
    const stepped = parseCron('0 0 */2 * 5');
    expect(stepped.matches(at('2026-11-13T00:00'))).toBe(true); // odd day, Friday
    expect(stepped.matches(at('2026-11-05T00:00'))).toBe(false); // odd day, Thursday
    expect(stepped.matches(at('2026-11-06T00:00'))).toBe(false); // even day, Friday
  });

  it('never throws anything but CronSyntaxError, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .array(fc.constantFrom('*', '/', '-', ',', ' ', '1', '7', '59', 'MON', 'x', 'L', 'W', '#', '?'), {
              maxLength: 20,
            })
            .map((a) => a.join('')),
        ),
        (text) => {
          try {
            parseCron(text);
          } catch (error) {
            expect(error).toBeInstanceOf(CronSyntaxError);
          }
        },
      ),
    );
  });
});
