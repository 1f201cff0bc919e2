import { formatAmount } from '../money';
import { monthMorning, PlanRecommendation, recommendPlan } from '../pricing';
import { assess, Assessment, largestFittingRecipients } from './assess';
import { ForecastInput, NextMonthSuggestion, PlanSuggestion, TrimSuggestion } from './forecast.types';
import { nextMonthSituation } from './defer';
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
 * What the same send would cost next month (see nextMonthSituation). Offered when the send is
 * blocked now or costs money now, i.e. when waiting could help.
 */
export function nextMonthSuggestion(input: ForecastInput, assessment: Assessment): NextMonthSuggestion | null {
  if (assessment.verdicts.length === 0 && assessment.costTotal.isZero()) return null;
  const situation = nextMonthSituation(input);
  if (!situation) return null;
  const outcome = assess(situation, input.recipients);
  return {
    kind: 'next_month',
    month: situation.month,
    at: input.timeZone ? monthMorning(situation.month, input.timeZone).toISOString() : null,
    cost: formatAmount(outcome.costTotal),
    currency: situation.card.currency,
    verdict: outcome.verdicts[0] ?? 'ok',
    verdicts: outcome.verdicts,
  };
}
