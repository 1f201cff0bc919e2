import { Dec, Decimal, isDecimalString, toDecimal } from '../money';
import { paidPositionsTotal, RateCard } from '../pricing';
import { requestsPerRecipient } from '../line-messages/validate-line-messages';
import { ForecastBudgetInput, ForecastQuotaInput, LineQuotaReading } from './forecast.types';

/** Everything about the account's month that does not depend on how many recipients a send has. */
export interface MonthSituation {
  month: string;
  card: RateCard;
  requestsPerRecipient: number;
  planFree: number;
  /** F */
  free: number;
  /** U */
  used: number;
  /** V */
  reserved: number;
  /** H */
  headroom: number;
  source: 'line' | 'ledger';
  fresh: boolean;
  lineLimit: number | null;
  additionalCap: number | null;
  spent: Decimal;
  reservedCost: Decimal;
  monthlyCap: Decimal | null;
  costCap: Decimal | null;
}

export interface SituationInput {
  month: string;
  messageObjects: number;
  rateCard: RateCard;
  quota: ForecastQuotaInput;
  budget: ForecastBudgetInput;
  costCap: string | null;
  additionalMessageCap: number | null;
}

export function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a whole number, 0 or more (got ${value})`);
}

function amount(value: string, name: string): Decimal {
  if (!isDecimalString(value) || value.startsWith('-'))
    throw new RangeError(`${name} must be a non-negative decimal string (got "${value}")`);
  return toDecimal(value);
}

function optionalAmount(value: string | null, name: string): Decimal | null {
  return value === null ? null : amount(value, name);
}

/** LINE's monthly limit on counted messages, when it has one. */
function lineLimitOf(reading: LineQuotaReading | null): number | null {
  if (!reading || reading.type !== 'limited' || reading.value === null || reading.value === undefined) return null;
  assertCount(reading.value, 'lineQuota.value');
  return reading.value;
}

/**
 * LINE's quota value is free messages plus the additional-message cap set at LINE, so it is a limit
 * on the month's total. F is the plan's free messages unless that total is lower (then LINE allows
 * no more than `value` at all, and none of it can be additional). LINE's additional cap is what the
 * total leaves above F; the account's own configured cap applies too, and the lower one wins.
 */
function freeAndAdditionalCap(planFree: number, lineLimit: number | null, accountCap: number | null) {
  const free = lineLimit === null ? planFree : Math.min(planFree, lineLimit);
  const lineCap = lineLimit === null ? null : lineLimit - free;
  const caps = [lineCap, accountCap].filter((cap): cap is number => cap !== null);
  return { free, additionalCap: caps.length > 0 ? Math.min(...caps) : null };
}

/** U = max(LINE's reading + this service's sends accepted after it, this service's ledger). */
function usedOf(quota: ForecastQuotaInput): number {
  assertCount(quota.ledgerUsed, 'quota.ledgerUsed');
  if (!quota.lineConsumption) return quota.ledgerUsed;
  assertCount(quota.lineConsumption.totalUsage, 'quota.lineConsumption.totalUsage');
  assertCount(quota.lineConsumption.sentAfterReading, 'quota.lineConsumption.sentAfterReading');
  return Math.max(quota.lineConsumption.totalUsage + quota.lineConsumption.sentAfterReading, quota.ledgerUsed);
}

export function buildSituation(input: SituationInput): MonthSituation {
  const { quota, budget, rateCard: card } = input;
  assertCount(quota.reserved, 'quota.reserved');
  assertCount(quota.headroom, 'quota.headroom');
  if (input.additionalMessageCap !== null) assertCount(input.additionalMessageCap, 'additionalMessageCap');
  const lineLimit = lineLimitOf(quota.lineQuota);
  const { free, additionalCap } = freeAndAdditionalCap(card.freeMessages, lineLimit, input.additionalMessageCap);
  const used = usedOf(quota);
  // Pushes sent outside this service are billed too: the month's used messages imply a spend the
  // ledger may not know about, and the cap must hold against the larger figure.
  const impliedSpend = card.additionalAllowed ? paidPositionsTotal(card, 0, Math.max(0, used - free)) : new Dec(0);
  const ledgerSpend = amount(budget.spentThisMonth, 'budget.spentThisMonth');
  return {
    month: input.month,
    card,
    requestsPerRecipient: requestsPerRecipient(input.messageObjects),
    planFree: card.freeMessages,
    free,
    used,
    reserved: quota.reserved,
    headroom: quota.headroom,
    source: quota.fresh && quota.lineConsumption ? 'line' : 'ledger',
    fresh: quota.fresh,
    lineLimit,
    additionalCap,
    spent: Dec.max(ledgerSpend, impliedSpend),
    reservedCost: amount(budget.reservedThisMonth, 'budget.reservedThisMonth'),
    monthlyCap: optionalAmount(budget.monthlyCap, 'budget.monthlyCap'),
    costCap: optionalAmount(input.costCap, 'costCap'),
  };
}
