/**
 * Five-field cron expressions as Vixie cron reads them: `minute hour day-of-month month day-of-week`.
 * Each field is `*`, a number, a range `a-b`, a step `*\/n`, `a-b/n` or `a/n` (from a to the field's
 * end), or a comma-separated list of those. Months and days of week also take English names
 * (`JAN`, `MON`); day of week 7 is Sunday, like 0.
 */

export interface CronField {
  /** The values the field allows, ascending, without duplicates. */
  values: readonly number[];
  /** False when the field's text starts with `*` (Vixie's rule for combining the two day fields). */
  restricted: boolean;
}

export interface CronExpression {
  source: string;
  minutes: CronField;
  hours: CronField;
  daysOfMonth: CronField;
  months: CronField;
  /** 0 (Sunday) to 6 (Saturday); a 7 in the text is stored as 0. */
  daysOfWeek: CronField;
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

interface FieldSpec {
  name: CronFieldName;
  min: number;
  max: number;
  names?: readonly string[];
  /** Maps a parsed value onto the field's canonical range (day of week 7 → 0). */
  normalize?: (value: number) => number;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'dayOfMonth', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'dayOfWeek', min: 0, max: 7, names: DAY_NAMES, normalize: (value) => value % 7 },
];

/** Longest accepted expression; a guard against pathological input, far above any real one. */
const MAX_EXPRESSION_LENGTH = 200;

export function parseCron(source: string): CronExpression {
  if (typeof source !== 'string') throw new CronSyntaxError(null, 'must be a string');
  if (source.length > MAX_EXPRESSION_LENGTH)
    throw new CronSyntaxError(null, `must be at most ${MAX_EXPRESSION_LENGTH} characters`);
  const texts = source.trim().split(/\s+/);
  if (texts.length !== FIELDS.length || texts[0] === '') {
    throw new CronSyntaxError(
      null,
      'must have 5 fields: minute hour day-of-month month day-of-week (e.g. "0 10 * * 1")',
    );
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = FIELDS.map((spec, index) => parseField(texts[index], spec));
  return { source: texts.join(' '), minutes, hours, daysOfMonth, months, daysOfWeek };
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

function parseField(text: string, spec: FieldSpec): CronField {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    for (const value of parsePart(part, spec)) values.add(spec.normalize ? spec.normalize(value) : value);
  }
  return { values: [...values].sort((a, b) => a - b), restricted: !text.startsWith('*') };
}

function parsePart(part: string, spec: FieldSpec): number[] {
  const fail = (problem: string): never => {
    throw new CronSyntaxError(spec.name, `"${part}" ${problem}`);
  };
  const [rangeText, stepText, ...extra] = part.split('/');
  if (extra.length) fail('has more than one "/"');
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d{1,3}$/.test(stepText) || Number(stepText) === 0) fail('has a step that is not a whole number from 1');
    step = Number(stepText);
  }
  let from: number;
  let to: number;
  if (rangeText === '*') {
    from = spec.min;
    to = spec.max;
  } else {
    const bounds = rangeText.split('-');
    if (bounds.length > 2) fail('is not a number or a range a-b');
    from = parseValue(bounds[0], spec, fail);
    // `a/n` runs from a to the field's end, as cronie and most crons read it.
    to = bounds.length === 2 ? parseValue(bounds[1], spec, fail) : stepText !== undefined ? spec.max : from;
    if (from > to) fail(`is a range that runs backwards (${from} > ${to})`);
  }
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

function parseValue(text: string, spec: FieldSpec, fail: (problem: string) => never): number {
  if (/^\d{1,2}$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) fail(`is out of range ${spec.min}-${spec.max}`);
    return value;
  }
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return spec.name === 'month' ? named + 1 : named;
  return fail(
    spec.names
      ? `is not a number ${spec.min}-${spec.max} or a name such as ${spec.names[1]}`
      : `is not a number ${spec.min}-${spec.max}`,
  );
}

/**
 * Whether a calendar day matches the two day fields. Vixie cron's rule: when both are restricted
 * (neither starts with `*`), a day matches if EITHER does ("0 0 1,15 * 1": the 1st, the 15th and
 * every Monday); otherwise both must (and a `*` field matches everything).
 */
export function matchesDay(cron: CronExpression, dayOfMonth: number, dayOfWeek: number): boolean {
  const byDate = cron.daysOfMonth.values.includes(dayOfMonth);
  const byWeekday = cron.daysOfWeek.values.includes(dayOfWeek);
  if (cron.daysOfMonth.restricted && cron.daysOfWeek.restricted) return byDate || byWeekday;
  return byDate && byWeekday;
}
