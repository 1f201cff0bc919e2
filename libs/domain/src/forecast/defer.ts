import { Dec, formatAmount } from '../money';
import { monthBounds, nextMonth as monthAfter, RateCard } from '../pricing';
import { assess, Assessment } from './assess';
import { DeferPart, DeferSuggestion, ForecastInput } from './forecast.types';
import { buildSituation, MonthSituation } from './situation';

/**
 * Next month's situation for this send: by default a fresh month (nothing used, spent or reserved)
 * on the same card, the same caps and headroom. Null when the caller said there is no next month
 * to forecast (`nextMonth: null`). The `next_month` and `defer` suggestions both forecast here.
 */
export function nextMonthSituation(input: ForecastInput): MonthSituation | null {
  if (input.nextMonth === null) return null;
  const next = input.nextMonth ?? {};
  const card: RateCard = next.rateCard ?? input.rateCard;
  return buildSituation({
    month: next.month ?? monthAfter(input.month),
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
}

/**
 * Policy `defer`'s "what this month allows": the largest recipient count none of whose messages is
 * paid, min(R, ⌊remaining free / requests per recipient⌋). A send that adds no cost never passes a
 * money cap, so this part fits whenever the month's figures are known (docs/domain.md, "Deferring").
 */
export function freeRecipients(situation: MonthSituation, assessment: Assessment): number {
  return Math.min(assessment.recipients, Math.floor(assessment.remainingFree / situation.requestsPerRecipient));
}

function partOf(outcome: Assessment, month: string, at: string | null, currency: string): DeferPart {
  return {
    recipients: outcome.recipients,
    messages: outcome.messages,
    freeMessages: outcome.freeMessages,
    paidMessages: outcome.paidMessages,
    cost: formatAmount(outcome.costTotal),
    currency,
    month,
    at,
    verdict: outcome.verdicts[0] ?? 'ok',
    verdicts: outcome.verdicts,
  };
}

/**
 * The send split in two: the free part now, the rest at the next reset against next month's
 * quota. Null when there is nothing to defer (no paid message), when this month's figures are not
 * known (quota_unknown: no count is known to be free) or when there is no next month to forecast.
 * `saves` is the whole send's cost now minus the two parts' costs: 0 on a plan that can't buy (it
 * prices nothing, yet deferring lets the send go), and below 0 when next month's positions start
 * lower on a card whose bands get cheaper further up.
 */
export function deferPlan(
  input: ForecastInput,
  situation: MonthSituation,
  assessment: Assessment,
): DeferSuggestion | null {
  if (assessment.paidMessages === 0 || assessment.quotaUnknown) return null;
  const next = nextMonthSituation(input);
  if (!next) return null;
  const nowCount = freeRecipients(situation, assessment);
  const now = assess(situation, nowCount);
  const later = assess(next, assessment.recipients - nowCount);
  const resetAt = input.timeZone ? monthBounds(next.month, input.timeZone).start.toISOString() : null;
  const currency = situation.card.currency;
  return {
    kind: 'defer',
    now: partOf(now, situation.month, input.sendAt ?? null, currency),
    later: partOf(later, next.month, resetAt, next.card.currency),
    saves: formatAmount(assessment.costTotal.minus(now.costTotal).minus(later.costTotal)),
    currency,
  };
}

/**
 * Offered when deferring helps: the rest would go at the reset (its forecast there is ok) and it
 * either saves money or lets a send through that is refused now.
 */
export function deferSuggestion(plan: DeferSuggestion | null, assessment: Assessment): DeferSuggestion | null {
  if (!plan || plan.later.verdict !== 'ok') return null;
  const saves = new Dec(plan.saves).gt(0);
  return saves || assessment.verdicts.length > 0 ? plan : null;
}
