import { formatAmount } from '../money';
import { isMonth, summarizeRateCard } from '../pricing';
import { assess, Assessment } from './assess';
import {
  DeferSuggestion,
  Forecast,
  ForecastBudget,
  ForecastInput,
  ReasonDetail,
  Suggestion,
  TrimPlan,
  TrimSuggestion,
} from './forecast.types';
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
  const trimmed = trimSuggestion(situation, assessment);
  const suggestions = [
    trimmed,
    input.deferrable === false ? null : deferSuggestion(deferral, assessment),
    planSuggestion(input, situation, assessment),
    nextMonthSuggestion(input, assessment),
  ].filter((suggestion): suggestion is Suggestion => suggestion !== null);

  const trim = input.overBudgetPolicy === 'trim' ? trimPlan(situation, assessment, trimmed, explanation) : null;
  // Under trim the verdict is the gate's: it sends the part that fits, so nothing blocks.
  const outcome = trim
    ? {
        verdicts: [],
        blockReasons: [],
        lines: [
          ...explanation.lines.filter((line) => !trim.wouldBlock.some((reason) => reason.message === line)),
          trimLine(trim, assessment.recipients),
        ],
        details: [
          ...explanation.details.filter(
            (detail) => !trim.wouldBlock.some((reason) => reason.details?.includes(detail)),
          ),
          trimDetail(trim, assessment.recipients),
        ],
        warnings: [...explanation.warnings, trimLine(trim, assessment.recipients)],
      }
    : { verdicts: assessment.verdicts, ...explanation };
  // Under defer the figures stay the whole audience's sent now (what the approval covers and deferring
  // saves); the first reason says what this month pays, lest that cost read as the send's price.
  const deferred = input.overBudgetPolicy === 'defer' && deferral ? deferDetail(deferral, assessment) : null;
  if (deferred) {
    outcome.lines = [deferred.text, ...outcome.lines];
    outcome.details = [deferred, ...outcome.details];
  }
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
    verdict: outcome.verdicts[0] ?? 'ok',
    verdicts: outcome.verdicts,
    reasons: outcome.lines,
    reasonDetails: outcome.details,
    blockReasons: outcome.blockReasons,
    warnings: outcome.warnings,
    suggestions,
    deferral: input.overBudgetPolicy === 'defer' ? deferral : null,
    trim,
    rateCard: summarizeRateCard(situation.card),
  };
}

/**
 * Policy trim's part, when the whole audience would be refused and a part fits (the gate then
 * reserves that part, LedgerService.reserveInTransaction); null when nothing fits, or nothing is
 * refused, or the month's figures aren't known (the gate blocks then).
 */
function trimPlan(
  situation: MonthSituation,
  assessment: Assessment,
  suggestion: TrimSuggestion | null,
  explanation: { blockReasons: Forecast['blockReasons'] },
): TrimPlan | null {
  if (!suggestion || suggestion.maxRecipients <= 0 || assessment.verdicts.length === 0) return null;
  const part = assess(situation, suggestion.maxRecipients);
  if (part.verdicts.length > 0) return null;
  return {
    recipients: part.recipients,
    leftOut: assessment.recipients - part.recipients,
    messages: part.messages,
    freeMessages: part.freeMessages,
    paidMessages: part.paidMessages,
    cost: formatAmount(part.costTotal),
    currency: situation.card.currency,
    wouldBlock: explanation.blockReasons,
  };
}

function trimLine(trim: TrimPlan, recipients: number): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return (
    `Policy trim: all ${n(recipients)} would be refused (${trim.wouldBlock.map((r) => r.code).join(', ')}: ` +
    `${trim.wouldBlock.map((r) => r.message).join(' ')}), so the gate sends to the ${n(trim.recipients)} that fit ` +
    `(${n(trim.messages)} messages, ${trim.cost} ${trim.currency}) and leaves out the other ${n(trim.leftOut)}.`
  );
}

function trimDetail(trim: TrimPlan, recipients: number): ReasonDetail {
  return {
    code: 'policy.trim',
    params: {
      recipients,
      refused: trim.wouldBlock.map((r) => r.code).join(', '),
      fit: trim.recipients,
      messages: trim.messages,
      cost: trim.cost,
      currency: trim.currency,
      leftOut: trim.leftOut,
    },
    text: trimLine(trim, recipients),
  };
}

/** Policy defer's split in words: what this month pays, what the reset's month pays, and what all now would. */
function deferDetail(deferral: DeferSuggestion, assessment: Assessment): ReasonDetail {
  const { now, later } = deferral;
  const n = (value: number) => value.toLocaleString('en-US');
  const allNow = formatAmount(assessment.costTotal);
  return {
    code: 'policy.defer',
    params: {
      now: now.recipients,
      thisMonth: now.month,
      thisMonthCost: now.cost,
      later: later.recipients,
      laterMessages: later.messages,
      laterMonth: later.month,
      at: later.at ?? '',
      laterCost: later.cost,
      laterVerdict: later.verdict,
      allNowCost: allNow,
      currency: now.currency,
    },
    text:
      `Policy defer: this month pays ${now.cost} ${now.currency}, for the ${n(now.recipients)} recipients sent now (${now.month}); ` +
      `the other ${n(later.recipients)} (${n(later.messages)} messages) go at the monthly reset${later.at ? `, ${later.at}` : ''}, ` +
      `forecast in ${later.month} at ${later.cost} ${later.currency} (${later.verdict}). ` +
      `The forecast's cost, ${allNow} ${now.currency}, is all ${n(assessment.recipients)} sent now, which deferring avoids.`,
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
