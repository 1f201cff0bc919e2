import fc from 'fast-check';
import { CronExpression, parseCron } from './cron';
import { nextOccurrence, nextOccurrences } from './next-occurrence';
import { firstSendAt, nextSendAfter, scheduleProblems } from './campaign-schedule';
import { instantOfWallClock, wallClockAsUtc, wallClockOf } from '../time/zoned-time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (dates: (Date | null)[]) => dates.map((date) => date?.toISOString() ?? null);

describe('nextOccurrence, by hand', () => {
  it('runs Mondays at 10:00 Taipei time across the November/December boundary', () => {
    // 2026-11-23 and 11-30 are Mondays; 10:00 in Taipei (UTC+8) is 02:00Z.
    expect(iso(nextOccurrences('0 10 * * 1', new Date('2026-11-22T00:00:00Z'), 'Asia/Taipei', 3))).toEqual([
      '2026-11-23T02:00:00.000Z',
      '2026-11-30T02:00:00.000Z',
      '2026-12-07T02:00:00.000Z',
    ]);
  });

  it('puts "the 1st at 07:00" on the local 1st, which is the 30th in UTC', () => {
    expect(iso(nextOccurrences('0 7 1 * *', new Date('2026-11-15T00:00:00Z'), 'Asia/Taipei', 2))).toEqual([
      '2026-11-30T23:00:00.000Z',
      '2026-12-31T23:00:00.000Z',
    ]);
    // And 23:30 on the local 30th is 15:30Z the same day.
    expect(nextOccurrence('30 23 30 * *', new Date('2026-11-30T00:00:00Z'), 'Asia/Taipei')?.toISOString()).toBe(
      '2026-11-30T15:30:00.000Z',
    );
  });

  it('is strictly after `after`, even when `after` is an occurrence', () => {
    expect(nextOccurrence('0 10 * * 1', new Date('2026-11-23T02:00:00Z'), 'Asia/Taipei')?.toISOString()).toBe(
      '2026-11-30T02:00:00.000Z',
    );
    expect(nextOccurrence('0 10 * * 1', new Date('2026-11-23T01:59:59.999Z'), 'Asia/Taipei')?.toISOString()).toBe(
      '2026-11-23T02:00:00.000Z',
    );
  });

  it('keeps 10:00 local across the US spring-forward and fall-back days', () => {
    expect(iso(nextOccurrences('0 10 * * *', new Date('2026-03-07T00:00:00Z'), 'America/New_York', 3))).toEqual([
      '2026-03-07T15:00:00.000Z', // EST, UTC-5
      '2026-03-08T14:00:00.000Z', // EDT, UTC-4
      '2026-03-09T14:00:00.000Z',
    ]);
    expect(iso(nextOccurrences('0 10 * * *', new Date('2026-10-31T00:00:00Z'), 'America/New_York', 2))).toEqual([
      '2026-10-31T14:00:00.000Z',
      '2026-11-01T15:00:00.000Z',
    ]);
  });

  it('runs a time inside the spring-forward gap when the gap ends, once', () => {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z); 02:30 does not exist that day.
    expect(iso(nextOccurrences('30 2 * * *', new Date('2026-03-07T12:00:00Z'), 'America/New_York', 3))).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
      '2026-03-10T06:30:00.000Z',
    ]);
    // Every quarter hour of 02:xx collapses into the one instant the gap ends.
    expect(iso(nextOccurrences('*/15 2 * * *', new Date('2026-03-08T00:00:00Z'), 'America/New_York', 2))).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:00:00.000Z',
    ]);
  });

  it('runs a time inside the fall-back overlap once, at the earlier instant', () => {
    // 2026-11-01: 01:00-01:59 happens in EDT (05:xxZ), then again in EST (06:xxZ).
    expect(iso(nextOccurrences('30 1 * * *', new Date('2026-10-31T12:00:00Z'), 'America/New_York', 2))).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
    // Asked during the second 01:xx, the next 01:30 is tomorrow's.
    expect(nextOccurrence('30 1 * * *', new Date('2026-11-01T06:10:00Z'), 'America/New_York')?.toISOString()).toBe(
      '2026-11-02T06:30:00.000Z',
    );
    // An hourly schedule gets the repeated hour once: 01:00 EDT, then 02:00 EST.
    expect(iso(nextOccurrences('0 * * * *', new Date('2026-11-01T04:30:00Z'), 'America/New_York', 3))).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T07:00:00.000Z',
      '2026-11-01T08:00:00.000Z',
    ]);
  });

  it("follows Vixie cron's OR of the two day fields", () => {
    // The 13th or any Friday, at midnight UTC, from Sunday 2026-11-08.
    expect(iso(nextOccurrences('0 0 13 * 5', new Date('2026-11-08T00:00:00Z'), 'UTC', 3))).toEqual([
      '2026-11-13T00:00:00.000Z', // a Friday the 13th
      '2026-11-20T00:00:00.000Z',
      '2026-11-27T00:00:00.000Z',
    ]);
    expect(iso(nextOccurrences('0 0 1 * 1', new Date('2026-11-24T00:00:00Z'), 'UTC', 2))).toEqual([
      '2026-11-30T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
  });

  it('finds leap days, and says null for dates that never come', () => {
    expect(nextOccurrence('0 12 29 2 *', new Date('2026-03-01T00:00:00Z'), 'Asia/Taipei')?.toISOString()).toBe(
      '2028-02-29T04:00:00.000Z',
    );
    expect(nextOccurrence('0 0 30 2 *', new Date('2026-01-01T00:00:00Z'), 'UTC')).toBeNull();
    expect(nextOccurrence('0 0 31 4,6,9,11 *', new Date('2026-01-01T00:00:00Z'), 'UTC')).toBeNull();
  });

  it('stops at notAfter, inclusive', () => {
    const after = new Date('2026-11-22T00:00:00Z');
    expect(
      nextOccurrence('0 10 * * 1', after, 'Asia/Taipei', { notAfter: new Date('2026-11-23T02:00:00Z') })?.toISOString(),
    ).toBe('2026-11-23T02:00:00.000Z');
    expect(
      nextOccurrence('0 10 * * 1', after, 'Asia/Taipei', { notAfter: new Date('2026-11-23T01:59:59Z') }),
    ).toBeNull();
    expect(
      nextOccurrences('0 10 * * 1', after, 'Asia/Taipei', 10, { notAfter: new Date('2026-12-01T00:00:00Z') }),
    ).toHaveLength(2);
  });

  it('handles half-hour and quarter-hour offsets (Asia/Kathmandu, Australia/Lord_Howe)', () => {
    expect(nextOccurrence('0 0 1 1 *', new Date('2026-06-01T00:00:00Z'), 'Asia/Kathmandu')?.toISOString()).toBe(
      '2026-12-31T18:15:00.000Z',
    );
    // Lord Howe moves its clocks by 30 minutes: 02:00 → 02:30 on 2026-10-04; 02:15 does not exist.
    expect(nextOccurrence('15 2 * * *', new Date('2026-10-03T12:00:00Z'), 'Australia/Lord_Howe')?.toISOString()).toBe(
      '2026-10-03T15:30:00.000Z',
    );
  });
});

describe('zoned wall-clock times', () => {
  it('round-trips every wall-clock minute that exists exactly once', () => {
    fc.assert(
      fc.property(nearTransitionOrAnywhere(), ([zone, ms]) => {
        const instant = new Date(Math.floor(ms / MINUTE) * MINUTE);
        const back = instantOfWallClock(wallClockOf(instant, zone), zone);
        // Equal, or the earlier instant of an overlap (same wall clock, up to 2 hours before).
        expect(wallClockOf(back, zone)).toEqual(wallClockOf(instant, zone));
        expect(back.getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(instant.getTime() - back.getTime()).toBeLessThanOrEqual(2 * HOUR);
      }),
      { numRuns: 500 },
    );
  });
});

const ZONES = [
  'Asia/Taipei',
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'America/Asuncion',
  'Pacific/Chatham',
  'Asia/Kathmandu',
];

/** DST changes of the zones above, where mistakes live, each with its zone. */
const TRANSITIONS: [string, number][] = (
  [
    ['America/New_York', '2026-03-08T07:00:00Z'], // spring forward: 02:00 → 03:00
    ['America/New_York', '2026-11-01T06:00:00Z'], // fall back: 02:00 → 01:00
    ['Europe/London', '2026-03-29T01:00:00Z'],
    ['Europe/London', '2026-10-25T01:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'], // 30 minutes forward
    ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], // 30 minutes back
    ['America/Asuncion', '2024-10-06T04:00:00Z'], // at midnight
    ['America/Asuncion', '2024-03-24T03:00:00Z'],
    ['Pacific/Chatham', '2026-04-04T14:00:00Z'],
    ['Pacific/Chatham', '2026-09-26T14:00:00Z'],
  ] as const
).map(([zone, text]) => [zone, Date.parse(text)]);

/** A zone and an instant: mostly within hours of one of its DST changes, sometimes anywhere. */
function nearTransitionOrAnywhere(): fc.Arbitrary<[string, number]> {
  const near = fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -6 * HOUR, max: 3 * HOUR }))
    .map(([[zone, at], shift]): [string, number] => [zone, at + shift]);
  const anywhere = fc.tuple(
    fc.constantFrom(...ZONES),
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
  );
  return fc.oneof({ arbitrary: near, weight: 4 }, { arbitrary: anywhere, weight: 1 });
}

/** How many months a generated expression's month field names (lists, `a-b/n` and `*` only). */
function monthsOf(text: string): number {
  const field = text.split(' ')[3];
  if (field === '*') return 12;
  if (field.startsWith('*/')) return Math.ceil(12 / Number(field.slice(2)));
  const stepped = /^(\d+)-(\d+)\/(\d+)$/.exec(field);
  if (stepped) return Math.floor((Number(stepped[2]) - Number(stepped[1])) / Number(stepped[3])) + 1;
  return field.split(',').length;
}

function cronText(): fc.Arbitrary<string> {
  const list = (min: number, max: number) =>
    fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 4 }).map((values) => values.join(','));
  const step = (min: number, max: number) =>
    fc
      .tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: Math.max(1, max - min) }))
      .map(([from, by]) => `${from}-${max}/${by}`);
  const field = (min: number, max: number, star = 3) =>
    fc.oneof(
      { arbitrary: fc.constant('*'), weight: star },
      { arbitrary: list(min, max), weight: 2 },
      { arbitrary: step(min, max), weight: 1 },
      { arbitrary: fc.integer({ min: 1, max: 6 }).map((n) => `*/${n}`), weight: 1 },
    );
  return fc
    .tuple(
      field(0, 59, 1),
      field(0, 23),
      fc.oneof({ arbitrary: field(1, 31, 6), weight: 8 }, fc.constantFrom('L', '15W', 'LW', '?')),
      field(1, 12, 8),
      fc.oneof({ arbitrary: field(0, 7, 4), weight: 8 }, fc.constantFrom('5L', '1#2', 'MON-FRI', '?')),
    )
    .map((fields) => fields.join(' '));
}

/**
 * The obvious, slow answer: step through instants minute by minute. Each instant "covers" its own
 * wall-clock minute and, right after a gap, every minute the gap skipped; a minute covered by an
 * earlier instant (an overlap's second pass) is not covered again.
 */
function referenceNext(cron: CronExpression, after: number, zone: string, horizon: number): number | null {
  const wallOf = (ms: number) => wallClockAsUtc(wallClockOf(new Date(ms), zone));
  const matches = (wallMs: number) => cron.matches(wallMs);
  const first = Math.floor(after / MINUTE) * MINUTE;
  let covered = -Infinity;
  for (let t = first - 3 * HOUR; t <= first; t += MINUTE) covered = Math.max(covered, wallOf(t));
  for (let t = first + MINUTE; t <= after + horizon; t += MINUTE) {
    const wall = wallOf(t);
    for (let w = covered + MINUTE; w <= wall; w += MINUTE) if (matches(w)) return t;
    covered = Math.max(covered, wall);
  }
  return null;
}

describe('nextOccurrence, against a minute-by-minute reference', () => {
  it('agrees near DST changes (zones with 30-minute changes and changes at midnight too), and elsewhere', () => {
    fc.assert(
      fc.property(cronText(), nearTransitionOrAnywhere(), (text, [zone, after]) => {
        const cron = parseCron(text);
        const horizon = 2 * DAY;
        const expected = referenceNext(cron, after, zone, horizon);
        const actual = nextOccurrence(cron, new Date(after), zone, { notAfter: new Date(after + horizon) });
        expect(actual?.toISOString() ?? null).toBe(expected === null ? null : new Date(expected).toISOString());
      }),
      { numRuns: 300 },
    );
  });

  it('agrees anywhere in time for Asia/Taipei, month and year boundaries included', () => {
    // Taipei has had UTC+8 without DST since 1980: wall clock = instant + 8 h, so the reference can be fast.
    const frequent = cronText().filter((text) => monthsOf(text) >= 6);
    fc.assert(
      fc.property(frequent, fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }), (text, after) => {
        const cron = parseCron(text);
        const horizon = 400 * DAY;
        let expected: number | null = null;
        for (let t = Math.floor(after / MINUTE) * MINUTE + MINUTE; t <= after + horizon; t += MINUTE) {
          if (cron.matches(t + 8 * HOUR)) {
            expected = t;
            break;
          }
        }
        const actual = nextOccurrence(cron, new Date(after), 'Asia/Taipei', { notAfter: new Date(after + horizon) });
        expect(actual?.getTime() ?? null).toBe(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('never skips: from any instant before an occurrence, the next one is that occurrence', () => {
    fc.assert(
      fc.property(
        cronText(),
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (text, zone, after, fraction) => {
          const cron = parseCron(text);
          const next = nextOccurrence(cron, new Date(after), zone);
          if (!next) return;
          expect(next.getTime()).toBeGreaterThan(after);
          const between = after + Math.floor((next.getTime() - after - 1) * fraction);
          expect(nextOccurrence(cron, new Date(between), zone)?.toISOString()).toBe(next.toISOString());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('campaign schedules', () => {
  const now = new Date('2026-11-20T00:00:00Z');

  it('checks one-off and recurring schedules against now', () => {
    expect(scheduleProblems(null, now)).toEqual([]);
    expect(scheduleProblems({ at: new Date('2026-11-19T00:00:00Z') }, now)).toEqual([
      { field: 'at', problem: 'must be in the future' },
    ]);
    expect(
      scheduleProblems({ cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: new Date('2026-12-31T00:00:00Z') }, now),
    ).toEqual([]);
    expect(
      scheduleProblems(
        { cron: '0 10 * * 8', timezone: 'Mars/Olympus', until: new Date('2026-11-01T00:00:00Z') },
        now,
      ).map((p) => p.field),
    ).toEqual(['cron', 'timezone', 'until']);
    // Monday 10:00 Taipei first falls on 11-23; an end before it leaves nothing to send.
    expect(
      scheduleProblems({ cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: new Date('2026-11-23T01:00:00Z') }, now),
    ).toEqual([{ field: 'cron', problem: 'names no time between now and until' }]);
  });

  it('gives the first send and each next one until the end', () => {
    const weekly = { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: new Date('2026-12-01T00:00:00Z') };
    const first = firstSendAt(weekly, now)!;
    expect(first.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    const second = nextSendAfter(weekly, first)!;
    expect(second.toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(nextSendAfter(weekly, second)).toBeNull();
    expect(firstSendAt({ at: new Date('2026-11-25T00:00:00Z') }, now)?.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(firstSendAt(null, now)).toBeNull();
  });
});
