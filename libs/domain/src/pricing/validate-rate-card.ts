import { AMOUNT_SCALE, fractionDigits, isDecimalString, normalizeDecimal } from '../money';
import { RateBand, RateCard } from './rate-card';

export interface FieldProblem {
  /** Path of the offending field, e.g. "tiers[1].upTo". */
  field: string;
  problem: string;
}

export type RateCardValidation = { ok: true; card: RateCard } | { ok: false; errors: FieldProblem[] };

const REGION = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const PLAN_CODE = /^[a-z][a-z0-9_-]{0,39}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_SOURCE_LENGTH = 2000;

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Checks a rate card from outside (an admin's POST, a database row) and returns it in canonical
 * form, or every problem found, each with the path of its field.
 */
export function validateRateCard(input: unknown): RateCardValidation {
  if (!isRecord(input)) return { ok: false, errors: [{ field: '', problem: 'must be an object' }] };
  const errors: FieldProblem[] = [];
  const problem = (field: string, text: string) => errors.push({ field, problem: text });

  const region = checkPattern(
    input.region,
    REGION,
    'region',
    'must be a two-letter upper-case region code such as "TW"',
    problem,
  );
  const plan = checkPattern(input.plan, PLAN_CODE, 'plan', 'must be a lower-case plan code such as "high"', problem);
  const currency = checkPattern(
    input.currency,
    CURRENCY,
    'currency',
    'must be a three-letter ISO-4217 code such as "TWD"',
    problem,
  );
  const monthlyFee = checkPrice(input.monthlyFee, 'monthlyFee', problem);
  const freeMessages = checkCount(input.freeMessages, 'freeMessages', problem);
  const additionalAllowed = checkBoolean(input.additionalAllowed, 'additionalAllowed', problem);
  const tiers = checkTiers(input.tiers, additionalAllowed, problem);
  const effectiveFrom = checkEffectiveFrom(input.effectiveFrom, problem);
  const source = checkSource(input.source, problem);
  const verified = checkBoolean(input.verified, 'verified', problem);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    card: {
      region: region!,
      plan: plan!,
      currency: currency!,
      monthlyFee: monthlyFee!,
      freeMessages: freeMessages!,
      additionalAllowed: additionalAllowed!,
      tiers: tiers!,
      effectiveFrom: effectiveFrom!,
      source: source!,
      verified: verified!,
    },
  };
}

/** Like validateRateCard, for trusted data (defaults, tests): throws with every problem listed. */
export function assertValidRateCard(input: unknown): RateCard {
  const result = validateRateCard(input);
  if (result.ok) return result.card;
  const list = result.errors.map((error) => `${error.field}: ${error.problem}`).join('; ');
  throw new RangeError(`invalid rate card: ${list}`);
}

type Report = (field: string, problem: string) => void;

function checkPattern(
  value: unknown,
  pattern: RegExp,
  field: string,
  text: string,
  report: Report,
): string | undefined {
  if (typeof value === 'string' && pattern.test(value)) return value;
  report(field, text);
  return undefined;
}

function checkBoolean(value: unknown, field: string, report: Report): boolean | undefined {
  if (typeof value === 'boolean') return value;
  report(field, 'must be true or false');
  return undefined;
}

/** What the card's integer column (int4) holds. */
const MAX_COUNT = 2_147_483_647;

function checkCount(value: unknown, field: string, report: Report): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_COUNT) return value;
  report(field, 'must be a whole number from 0 to 2,147,483,647');
  return undefined;
}

/**
 * Prices are non-negative decimals with at most 4 fraction digits, so that every amount (a whole
 * number of messages times a price) is exact at money's 4 places and sums stay additive.
 */
function checkPrice(text: unknown, field: string, report: Report): string | undefined {
  // A string only: a JSON number such as 0.1 is already a binary approximation when it arrives.
  if (typeof text !== 'string' || !isDecimalString(text)) {
    report(field, 'must be a decimal string such as "0.2"');
    return undefined;
  }
  if (text.startsWith('-')) {
    report(field, 'must not be negative');
    return undefined;
  }
  if (fractionDigits(text) > AMOUNT_SCALE) {
    report(field, `must have at most ${AMOUNT_SCALE} digits after the decimal point`);
    return undefined;
  }
  return normalizeDecimal(text);
}

function checkTiers(value: unknown, additionalAllowed: boolean | undefined, report: Report): RateBand[] | undefined {
  if (!Array.isArray(value)) {
    report('tiers', 'must be an array of {upTo, unitPrice} bands');
    return undefined;
  }
  if (additionalAllowed === false) {
    if (value.length === 0) return [];
    report('tiers', 'must be empty when additionalAllowed is false (the plan cannot buy additional messages)');
    return undefined;
  }
  if (value.length === 0) {
    report('tiers', 'must have at least one band when additionalAllowed is true');
    return undefined;
  }
  const bands: RateBand[] = [];
  let previousUpTo = 0;
  let valid = true;
  value.forEach((band: unknown, index) => {
    const path = `tiers[${index}]`;
    if (!isRecord(band)) {
      report(path, 'must be an object {upTo, unitPrice}');
      valid = false;
      return;
    }
    const isLast = index === value.length - 1;
    const upTo = checkUpTo(band.upTo, isLast, previousUpTo, `${path}.upTo`, report);
    const unitPrice = checkPrice(band.unitPrice, `${path}.unitPrice`, report);
    if (upTo === undefined || unitPrice === undefined) {
      valid = false;
      return;
    }
    if (upTo !== null) previousUpTo = upTo;
    bands.push({ upTo, unitPrice });
  });
  return valid ? bands : undefined;
}

function checkUpTo(
  value: unknown,
  isLast: boolean,
  previousUpTo: number,
  field: string,
  report: Report,
): number | null | undefined {
  if (isLast) {
    if (value === null) return null;
    report(field, 'must be null: the last band is open-ended');
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    report(field, 'must be a whole number of additional messages, 1 or more (only the last band is open)');
    return undefined;
  }
  if (value <= previousUpTo) {
    report(field, `must be greater than the previous band's upTo (${previousUpTo})`);
    return undefined;
  }
  return value;
}

function checkEffectiveFrom(value: unknown, report: Report): string | undefined {
  // The API's dates start at the Unix epoch (see time/instant-range); the pattern ends them at 9999.
  if (typeof value === 'string' && isIsoDate(value) && value >= '1970-01-01') return value;
  report('effectiveFrom', 'must be a calendar date "YYYY-MM-DD" from 1970-01-01 to 9999-12-31');
  return undefined;
}

function checkSource(value: unknown, report: Report): string | undefined {
  if (typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_SOURCE_LENGTH) return value.trim();
  report('source', `must say where the prices come from (1 to ${MAX_SOURCE_LENGTH} characters)`);
  return undefined;
}
