import { formatAmount } from '../money';
import { nextMonth as monthAfter, PlanRecommendation, RateCard, recommendPlan } from '../pricing';
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
 * The cheapest plan of the region for the month (recommendFor, the rule the usage report uses too).
 * Offered only when it is not the current plan.
 */
export function planSuggestion(
  input: ForecastInput,
  situation: MonthSituation,
  assessment: Assessment,
): PlanSuggestion | null {
  const best = recommendFor(input, situation, assessment.messages);
  if (!best || best.plan === situation.card.plan) return null;
  return { kind: 'plan', ...best };
}

/**
 * The plan that suits the month of this input, current plan included: what the usage report
 * recommends, by the same rule as the forecast's plan suggestion.
 */
export function monthPlanRecommendation(input: ForecastInput): PlanRecommendation | null {
  const situation = buildSituation(input);
  return recommendFor(input, situation, input.recipients * situation.requestsPerRecipient);
}

/**
 * The month's volume is what it holds for certain (used, reserved, headroom and this send) or its
 * projection (month-projection.ts), the larger.
 */
function recommendFor(input: ForecastInput, situation: MonthSituation, sendMessages: number) {
  return recommendPlan({
    cards: input.regionCards ?? [],
    current: situation.card,
    committedMessages: situation.used + situation.reserved + situation.headroom + sendMessages,
    projectedMessages: input.projectedMonthMessages ?? 0,
  });
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
