import { Cron } from 'croner';

/**
 * Five-field cron expressions, `minute hour day-of-month month day-of-week`, read by croner: `*`,
 * numbers, ranges `a-b`, steps `*\/n`, `a-b/n` and `a/n` (from a to the field's end), lists,
 * English names (`JAN`, `MON`), day of week 7 as Sunday, and the syntax people paste from Quartz
 * and cronie: `L` (last day of the month, `5L` the last Friday), `W` (`15W`: the weekday nearest the
 * 15th), `#` (`1#2`: the second Monday) and `?` (any day).
 *
 * The two day fields combine as Vixie cron does: when both are restricted (neither starts with `*`
 * or `?`), a day matches if EITHER does ("0 0 1,15 * 1": the 1st, the 15th and every Monday);
 * otherwise both must.
 *
 * An expression is matched against wall-clock time read as UTC (a plain number); which instant a
 * wall-clock time stands for in a zone is next-occurrence.ts's business, not croner's, because
 * croner runs interval jobs twice in a DST overlap and skips them in a gap, and this project's
 * rule is once, always (docs/domain.md, "Schedules").
 */
export interface CronExpression {
  /** The expression with its whitespace normalised. */
  source: string;
  /** Whether a wall-clock minute (read as UTC milliseconds) matches. */
  matches(wallClockMs: number): boolean;
  /** The first matching wall-clock minute strictly after `wallClockMs` and before `beforeMs`, or null. */
  nextAfter(wallClockMs: number, beforeMs?: number): number | null;
}

export type CronFieldName = 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';

/** A syntax error that names the field at fault. */
export class CronSyntaxError extends Error {
  constructor(
    readonly field: CronFieldName | null,
    message: string,
  ) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

const FIELDS: readonly { name: CronFieldName; hint: string }[] = [
  { name: 'minute', hint: '0-59' },
  { name: 'hour', hint: '0-23' },
  { name: 'dayOfMonth', hint: '1-31, L, 15W' },
  { name: 'month', hint: '1-12 or JAN-DEC' },
  { name: 'dayOfWeek', hint: '0-7 or SUN-SAT, 5L, 1#2' },
];

/** Longest accepted expression; a guard against pathological input, far above any real one. */
const MAX_EXPRESSION_LENGTH = 200;

function croner(pattern: string, dayFieldsAnd: boolean): Cron {
  return new Cron(pattern, {
    utcOffset: 0, // wall-clock time read as UTC: plain arithmetic, no time-zone lookup
    mode: '5-part',
    sloppyRanges: true, // `a/n`
    domAndDow: dayFieldsAnd,
    paused: true,
  });
}

/**
 * Parsed expressions by source text, at most PARSED_LIMIT (the oldest goes first). Parsing builds
 * six croner patterns, and a month's projection walks a recurring campaign one occurrence at a
 * time, each walk step asking for its expression again (README, "API latency"): parsing once per
 * text made that walk several times cheaper. An expression is immutable and depends on its text
 * alone, so a cached one is the one parsing would give.
 */
const parsed = new Map<string, CronExpression>();
const PARSED_LIMIT = 1000;

export function parseCron(source: string): CronExpression {
  if (typeof source !== 'string') throw new CronSyntaxError(null, 'must be a string');
  const known = parsed.get(source);
  if (known) return known;
  const expression = parseUncached(source);
  if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
  parsed.set(source, expression);
  return expression;
}

function parseUncached(source: string): CronExpression {
  if (source.length > MAX_EXPRESSION_LENGTH)
    throw new CronSyntaxError(null, `must be at most ${MAX_EXPRESSION_LENGTH} characters`);
  const texts = source.trim().split(/\s+/);
  if (texts.length !== FIELDS.length || texts[0] === '') {
    throw new CronSyntaxError(
      null,
      'must have 5 fields: minute hour day-of-month month day-of-week (e.g. "0 10 * * 1")',
    );
  }
  const unrestricted = (text: string) => text.startsWith('*') || text.startsWith('?');
  const dayFieldsAnd = unrestricted(texts[2]) || unrestricted(texts[4]);
  // Each field alone first, the others `*`, so that a problem names its field.
  texts.forEach((text, index) => {
    const alone = FIELDS.map((_, other) => (other === index ? text : '*')).join(' ');
    try {
      croner(alone, true);
    } catch {
      // The field and what it takes say it all; croner's own text would add library wording that
      // misleads ("32" is refused as "Invalid value for day: 31", "13" as "… month: 12").
      throw new CronSyntaxError(FIELDS[index].name, `"${text}" is not valid (${FIELDS[index].hint})`);
    }
  });
  const normalised = texts.join(' ');
  let cron: Cron;
  try {
    cron = croner(normalised, dayFieldsAnd);
  } catch (error) {
    throw new CronSyntaxError(null, error instanceof Error ? error.message.replace(/^CronPattern: /, '') : 'invalid');
  }
  return {
    source: normalised,
    matches: (wallClockMs) => cron.match(new Date(wallClockMs)),
    nextAfter: (wallClockMs, beforeMs) => {
      // The bound is applied here rather than as croner's stopAt (which answers null for a run at
      // or past it, the same), so that one croner object serves every call.
      const next = cron.nextRun(new Date(wallClockMs))?.getTime() ?? null;
      return next === null || (beforeMs !== undefined && next >= beforeMs) ? null : next;
    },
  };
}

/** The problem with an expression, or null when it parses. */
export function cronProblem(source: string): string | null {
  try {
    parseCron(source);
    return null;
  } catch (error) {
    if (error instanceof CronSyntaxError) return error.field ? `${error.field}: ${error.message}` : error.message;
    throw error;
  }
}
