import { formatAmount } from '../money';
import { isMonth, summarizeRateCard } from '../pricing';
import { assess, Assessment } from './assess';
import { Forecast, ForecastBudget, ForecastInput, Suggestion } from './forecast.types';
import { deferPlan, deferSuggestion } from './defer';
import { explain } from './reasons';
import { buildSituation, MonthSituation } from './situation';
import { nextMonthSuggestion, planSuggestion, trimSuggestion } from './suggestions';

/**
 * The forecast of one send (docs/domain.md, "The forecast"): how many messages, how many are free, what the rest cost, and
 * whether it may go (verdict), why (reasons) and what would help (suggestions). Pure: the service
 * gathers the figures (in the gate's transaction) and adds ids and the time.
 * Throws RangeError on malformed input (negative counts, bad decimals, a bad month).
 */
export function computeForecast(input: ForecastInput): Forecast {
  if (!isMonth(input.month)) throw new RangeError(`month must be "YYYY-MM" (got "${input.month}")`);
  const situation = buildSituation(input);
  const assessment = assess(situation, input.recipients);
  const explanation = explain(situation, assessment);
  const deferral = deferPlan(input, situation, assessment);
  const suggestions = [
    trimSuggestion(situation, assessment),
    deferSuggestion(deferral, assessment),
    planSuggestion(input, situation, assessment),
    nextMonthSuggestion(input, assessment),
  ].filter((suggestion): suggestion is Suggestion => suggestion !== null);

  return {
    month: input.month,
    recipients: assessment.recipients,
    requestsPerRecipient: situation.requestsPerRecipient,
    messages: assessment.messages,
    quota: {
      free: situation.free,
      used: situation.used,
      reserved: situation.reserved,
      headroom: situation.headroom,
      remainingFree: assessment.remainingFree,
      source: situation.source,
      fresh: situation.fresh,
      paidSoFar: assessment.paidSoFar,
      lineLimit: situation.lineLimit,
      additionalCap: situation.additionalCap,
    },
    freeMessages: assessment.freeMessages,
    paidMessages: assessment.paidMessages,
    cost: assessment.cost,
    budget: budgetOf(situation, assessment),
    verdict: assessment.verdicts[0] ?? 'ok',
    verdicts: assessment.verdicts,
    reasons: explanation.lines,
    blockReasons: explanation.blockReasons,
    warnings: explanation.warnings,
    suggestions,
    deferral: input.overBudgetPolicy === 'defer' ? deferral : null,
    rateCard: summarizeRateCard(situation.card),
  };
}

function budgetOf(situation: MonthSituation, assessment: Assessment): ForecastBudget {
  const cap = situation.monthlyCap;
  const left = cap === null ? null : cap.minus(assessment.monthSpendAfter);
  return {
    monthlyCap: cap === null ? null : formatAmount(cap),
    spentThisMonth: formatAmount(situation.spent),
    reservedThisMonth: formatAmount(situation.reservedCost),
    remainingAfter: left === null ? null : formatAmount(left.isNegative() ? 0 : left),
    overBy: formatAmount(left !== null && left.isNegative() ? left.negated() : 0),
    costCap: situation.costCap === null ? null : formatAmount(situation.costCap),
    currency: situation.card.currency,
  };
}
