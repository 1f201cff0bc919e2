import { Decimal, formatAmount, toDecimal } from './decimal';

/** Money on the wire: an exact decimal string with 4 places, and its ISO-4217 currency. */
export interface Money {
  amount: string;
  currency: string;
}

export function money(amount: Decimal | string | number, currency: string): Money {
  return { amount: formatAmount(amount), currency };
}

export function moneyToDecimal(value: Money): Decimal {
  return toDecimal(value.amount);
}
