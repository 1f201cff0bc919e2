// Display only: the API decides every number; these functions write it in the reader's language.
import type { Money } from './api/types';

/** `NT$1,234.50`: two decimals for amounts, up to four for unit prices. Exact: the decimal string is formatted, not a float. */
export function formatMoney(money: Money | null | undefined, options: { unitPrice?: boolean } = {}): string {
  if (!money) return '—';
  const format = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: money.currency,
    currencyDisplay: 'symbol',
    minimumFractionDigits: 2,
    maximumFractionDigits: options.unitPrice ? 4 : 2,
  });
  return format.format(money.amount as Intl.StringNumericLiteral);
}

export function formatNumber(value: number | null | undefined, language: string): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(language).format(value);
}

/** `2026-12-01 18:00 GMT+08:00` in the account's time zone, the offset always shown. */
export function formatTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName') === 'GMT' ? 'GMT+00:00' : get('timeZoneName');
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${offset}`;
}

/** The wall-clock value of an instant in a zone, for a datetime-local input ("2026-12-01T18:00"). */
export function toZonedInput(iso: string, timeZone: string): string {
  return formatTime(iso, timeZone).slice(0, 16).replace(' ', 'T');
}

/** A wall-clock time in a zone ("2026-12-01T18:00") as an ISO instant with that zone's offset. */
export function fromZonedInput(local: string, timeZone: string): string {
  // The zone's offset at that wall-clock time: read back what the guess shows in the zone and correct.
  const guess = new Date(`${local}:00Z`);
  const shown = new Date(`${toZonedInput(guess.toISOString(), timeZone)}:00Z`);
  const offsetMs = shown.getTime() - guess.getTime();
  const instant = new Date(guess.getTime() - offsetMs);
  const offsetMinutes = Math.round(offsetMs / 60000);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  const local2 = toZonedInput(instant.toISOString(), timeZone);
  return `${local2}:00${sign}${hh}:${mm}`;
}
