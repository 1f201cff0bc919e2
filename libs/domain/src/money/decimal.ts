import Decimal from 'decimal.js';

/**
 * The project's decimal constructor: an isolated clone of decimal.js, so no other library's
 * global Decimal settings can change ours. 50 significant digits is far beyond any message count
 * times any unit price, so sums and products of amounts are exact.
 */
export const Dec = Decimal.clone({
  precision: 50,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});

export type { Decimal };

/** Digits after the point that money amounts keep (matches the Decimal(18,4) database columns). */
export const AMOUNT_SCALE = 4;

/** A plain decimal literal: optional minus, digits, optional fraction. No exponent, no spaces. */
const DECIMAL_LITERAL = /^-?\d+(\.\d+)?$/;

export function isDecimalString(value: string): boolean {
  return DECIMAL_LITERAL.test(value);
}

/** Digits after the decimal point of a plain decimal literal ("0.011" → 3). */
export function fractionDigits(value: string): number {
  const point = value.indexOf('.');
  return point < 0 ? 0 : value.length - point - 1;
}

/**
 * Parses an amount given as a decimal string (or a finite JS number, read through its shortest
 * decimal form, which is what JSON carried). Throws RangeError on anything else.
 */
export function toDecimal(value: string | number | Decimal): Decimal {
  if (Decimal.isDecimal(value)) return new Dec(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return new Dec(String(value));
  }
  if (!isDecimalString(value)) throw new RangeError(`not a decimal string: "${value}"`);
  return new Dec(value);
}

/** "1500" → "1500.0000": the wire form of money amounts. Rounds half up past 4 places. */
export function formatAmount(value: Decimal | string | number): string {
  return toDecimal(value).toFixed(AMOUNT_SCALE, Dec.ROUND_HALF_UP);
}

/** Canonical form of a decimal without padding ("0.20" → "0.2", "03" → "3"), for unit prices. */
export function normalizeDecimal(value: string | number): string {
  return toDecimal(value).toFixed();
}

export function sumDecimals(values: readonly Decimal[]): Decimal {
  return values.reduce((total, value) => total.plus(value), new Dec(0));
}

export function maxDecimal(first: Decimal, ...rest: Decimal[]): Decimal {
  return rest.reduce((best, value) => (value.gt(best) ? value : best), first);
}
