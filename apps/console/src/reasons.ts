// The API's reasons in the reader's language. The API gives each reason as a code with its figures
// and its English (`text`, `message`); a code with a translation is worded here from those figures
// (counts and money formatted as everywhere else), and anything else shows the API's English.
import type { TFunction } from 'i18next';
import { formatMoney, formatNumber } from './format';

export interface ReasonDetail {
  code: string;
  params: Record<string, string | number>;
  text: string;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** One reason in words: the translation of `reason.<code>` with its figures, or the API's text. */
export function reasonText(detail: ReasonDetail, t: TFunction, language: string): string {
  const { currency } = detail.params;
  const params = Object.fromEntries(
    Object.entries(detail.params).map(([key, value]) => [
      key,
      typeof value === 'number'
        ? formatNumber(value, language)
        : key !== 'currency' && typeof currency === 'string' && DECIMAL.test(value)
          ? formatMoney({ amount: value, currency })
          : value,
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
  reason: { code: string; message: string; details?: ReasonDetail[] },
  t: TFunction,
  language: string,
): string {
  return reason.details?.length
    ? reason.details.map((detail) => reasonText(detail, t, language)).join(' ')
    : reason.message;
}
