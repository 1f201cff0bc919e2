// The API's reasons in the reader's language. The API gives each reason as a code with its figures
// and its English (`text`, `message`); a code with a translation is worded here from those figures
// (counts and money formatted as everywhere else), and anything else shows the API's English.
import type { TFunction } from 'i18next';
import { formatMoney, formatNumber, formatTime } from './format';

export interface ReasonDetail {
  code: string;
  params: Record<string, string | number>;
  text: string;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** Params whose value is one of the API's words, worded by the console's own key for it (`metric.clicks`). */
const WORDED = new Set(['metric', 'undecided', 'verdict']);

/**
 * One reason in words: the translation of `reason.<code>` with its figures, or the API's text.
 * With the account's `timeZone`, instants (a note's `at`) are shown in it, as every other time.
 */
export function reasonText(detail: ReasonDetail, t: TFunction, language: string, timeZone?: string): string {
  const { currency } = detail.params;
  const word = (key: string, value: string): string =>
    WORDED.has(key) ? t(`${key}.${value}`, { defaultValue: value }) : value;
  const params = Object.fromEntries(
    Object.entries(detail.params).map(([key, value]) => [
      key,
      typeof value === 'number'
        ? formatNumber(value, language)
        : key !== 'currency' && typeof currency === 'string' && DECIMAL.test(value)
          ? formatMoney({ amount: value, currency })
          : timeZone && INSTANT.test(value)
            ? formatTime(value, timeZone)
            : word(key, value),
    ]),
  );
  // English has no `reason.*` keys: the API's own English is the English.
  return t(`reason.${detail.code}`, { ...params, defaultValue: detail.text });
}

/** A forecast's reasons: from their details when the API gave them, else its English lines. */
export function forecastReasons(
  forecast: { reasons: string[]; reasonDetails?: ReasonDetail[] },
  t: TFunction,
  language: string,
): string[] {
  return forecast.reasonDetails?.length
    ? forecast.reasonDetails.map((detail) => reasonText(detail, t, language))
    : forecast.reasons;
}

/** A block reason (of a run or a forecast): its parts in words, or the API's message. */
export function blockReasonText(
  reason: { code?: string; message: string; details?: ReasonDetail[] },
  t: TFunction,
  language: string,
  timeZone?: string,
): string {
  return reason.details?.length
    ? reason.details.map((detail) => reasonText(detail, t, language, timeZone)).join(' ')
    : reason.message;
}

/** What holds a run (quiet hours) in words: from its details when the API gave them, else its English. */
export function statusDetailText(
  run: { statusDetail: string | null; statusDetails?: ReasonDetail[] },
  t: TFunction,
  language: string,
): string {
  return run.statusDetails?.length
    ? run.statusDetails.map((detail) => reasonText(detail, t, language)).join(' ')
    : (run.statusDetail ?? '');
}
