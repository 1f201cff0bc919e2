export {
  AMOUNT_SCALE,
  Dec,
  formatAmount,
  fractionDigits,
  isDecimalString,
  maxDecimal,
  normalizeDecimal,
  sumDecimals,
  toDecimal,
} from './decimal';
export type { Decimal } from './decimal';
export { money, moneyToDecimal } from './money';
export type { Money } from './money';
