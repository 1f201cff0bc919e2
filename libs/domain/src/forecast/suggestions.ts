import { formatAmount } from '../money';
import { cheapestPlan, nextMonth as monthAfter, planMonthlyCost, RateCard } from '../pricing';
import { assess, Assessment, largestFittingRecipients } from './assess';
import { ForecastInput, NextMonthSuggestion, PlanSuggestion, TrimSuggestion } from './forecast.types';
import { buildSituation, MonthSituation } from './situation';

/**
 * Offered only when the send does not fit and trimming can make it fit: every blocking verdict is
 * about volume or money. Under quota_unknown no count is known to fit, so no trim is offered.
 */
export function trimSuggestion(situation: MonthSituation, assessment: Assessment): TrimSuggestion | null {
  if (assessment.verdicts.length === 0 || assessment.quotaUnknown) return null;
  const maxRecipients = largestFittingRecipients(situation, assessment.recipients);
  const trimmed = assess(situation, maxRecipients);
  return {
    kind: 'trim',
    maxRecipients,
    messages: trimmed.messages,
    cost: formatAmount(trimmed.costTotal),
    currency: situation.card.currency,
  };
}

/**
 * The cheapest plan of the region for the month's volume (used + reserved + headroom + this send,
 * or the service's projection if larger). Offered only when it is not the current plan.
 */
export function planSuggestion(
  input: ForecastInput,
  situation: MonthSituation,
  assessment: Assessment,
): PlanSuggestion | null {
  const { card } = situation;
  const comparable = (input.regionCards ?? []).filter(
    (other) => other.region === card.region && other.currency === card.currency,
  );
  if (comparable.length === 0) return null;
  const volume = Math.max(
    situation.used + situation.reserved + situation.headroom + assessment.messages,
    input.projectedMonthMessages ?? 0,
  );
  const best = cheapestPlan(comparable, volume);
  if (!best || best.plan === card.plan) return null;
  const current = planMonthlyCost(card, volume);
  return {
    kind: 'plan',
    plan: best.plan,
    monthlyCost: best.monthlyCost,
    currency: best.currency,
    projectedMessages: volume,
    currentPlanMonthlyCost: current === null ? null : formatAmount(current),
  };
}

/**
 * What the same send would cost next month: by default a fresh month (nothing used, spent or
 * reserved) on the same card, the same caps and headroom. Offered when the send is blocked now or
 * costs money now, i.e. when waiting could help.
 */
export function nextMonthSuggestion(input: ForecastInput, assessment: Assessment): NextMonthSuggestion | null {
  if (input.nextMonth === null) return null;
  if (assessment.verdicts.length === 0 && assessment.costTotal.isZero()) return null;
  const next = input.nextMonth ?? {};
  const card: RateCard = next.rateCard ?? input.rateCard;
  const month = next.month ?? monthAfter(input.month);
  const situation = buildSituation({
    month,
    messageObjects: input.messageObjects,
    rateCard: card,
    // LINE's limit setting carries over; usage starts again, and a future month has nothing stale to read.
    quota: {
      lineQuota: input.quota.lineQuota,
      lineConsumption: null,
      ledgerUsed: next.used ?? 0,
      reserved: next.reserved ?? 0,
      headroom: next.headroom ?? input.quota.headroom,
      fresh: true,
    },
    budget: {
      monthlyCap: input.budget.monthlyCap,
      spentThisMonth: next.spentThisMonth ?? '0',
      reservedThisMonth: next.reservedThisMonth ?? '0',
    },
    costCap: input.costCap,
    additionalMessageCap: input.additionalMessageCap,
  });
  const outcome = assess(situation, input.recipients);
  return {
    kind: 'next_month',
    month,
    cost: formatAmount(outcome.costTotal),
    currency: card.currency,
    verdict: outcome.verdicts[0] ?? 'ok',
    verdicts: outcome.verdicts,
  };
}
