import { Dec, formatAmount } from '../money';
import { Assessment } from './assess';
import { BlockReason, BlockReasonCode, ReasonDetail } from './forecast.types';
import { MonthSituation } from './situation';

/**
 * The call that clears each block reason; the message says which field to change. A campaign's own
 * cost cap is changed on the campaign, after withdrawing it (COST_CAP_CLEARED_BY).
 */
export const CLEARED_BY: Readonly<Record<BlockReasonCode, string>> = Object.freeze({
  over_plan_limit: 'PATCH /line-accounts/:id',
  over_line_cap: 'PATCH /line-accounts/:id',
  over_budget: 'PATCH /line-accounts/:id',
  quota_unknown: 'POST /line-accounts/:id/quota-sync',
  needs_reapproval: 'POST /campaigns/:id/submit',
});
const COST_CAP_CLEARED_BY = 'POST /campaigns/:id/withdraw';

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function plural(value: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(value)} ${value === 1 ? singular : pluralForm}`;
}

function money(value: Parameters<typeof formatAmount>[0], currency: string): string {
  return `${formatAmount(value)} ${currency}`;
}

export interface Explanation {
  /** The arithmetic, the block reasons' messages, then the warnings: what `reasons` shows. */
  lines: string[];
  /** The same, as codes with their figures (`reasonDetails`). */
  details: ReasonDetail[];
  blockReasons: BlockReason[];
  warnings: string[];
}

/** Human-readable account of a forecast: the arithmetic first, then each reason it cannot go ahead. */
export function explain(situation: MonthSituation, assessment: Assessment): Explanation {
  const blockReasons = blockReasonsOf(situation, assessment);
  const rateCard = describeRateCard(situation, assessment);
  const stale = staleWithoutCap(situation, assessment);
  const before = [
    describeMessages(situation, assessment),
    describeQuota(situation, assessment),
    ...describeSplit(situation, assessment),
    ...rateCard,
  ];
  return {
    lines: [...before.map(textOf), ...blockReasons.map((reason) => reason.message), ...stale.map(textOf)],
    details: [...before, ...blockReasons.flatMap((reason) => reason.details ?? []), ...stale],
    blockReasons,
    warnings: [...rateCard, ...stale].map(textOf),
  };
}

function detail(code: string, params: ReasonDetail['params'], text: string): ReasonDetail {
  return { code, params, text };
}

function textOf(reason: ReasonDetail): string {
  return reason.text;
}

/**
 * The gate's check of the approval: a run whose cost grew past the approved cost by more than the
 * tolerance needs a new approval (null: it may go).
 */
export function costPastApproval(input: {
  cost: string;
  currency: string;
  approvedCost: string;
  tolerancePercent: number;
}): BlockReason | null {
  const approved = Dec(input.approvedCost);
  const limit = approved.times(Dec(100 + input.tolerancePercent).dividedBy(100));
  if (Dec(input.cost).lte(limit)) return null;
  const message =
    `The send now costs ${input.cost} ${input.currency}, more than the approved ${formatAmount(approved)} ` +
    `plus ${input.tolerancePercent}% (${formatAmount(limit)}); it needs a new approval.`;
  const params = {
    cost: input.cost,
    approved: formatAmount(approved),
    tolerance: input.tolerancePercent,
    limit: formatAmount(limit),
    currency: input.currency,
  };
  return {
    code: 'needs_reapproval',
    message,
    clearedBy: CLEARED_BY.needs_reapproval,
    details: [detail('needs_reapproval.cost', params, message)],
  };
}

/** A run whose campaign was edited, withdrawn or re-approved after the run was approved. */
export function approvalLapsed(): BlockReason {
  const message = 'The campaign changed or lost its approval after this run was approved; it needs a new approval.';
  return {
    code: 'needs_reapproval',
    message,
    clearedBy: CLEARED_BY.needs_reapproval,
    details: [detail('needs_reapproval.lapsed', {}, message)],
  };
}

function describeMessages(situation: MonthSituation, assessment: Assessment): ReasonDetail {
  return detail(
    'messages',
    {
      recipients: assessment.recipients,
      requestsPerRecipient: situation.requestsPerRecipient,
      messages: assessment.messages,
      month: situation.month,
    },
    `${plural(assessment.recipients, 'recipient')} × ${plural(situation.requestsPerRecipient, 'request')} each ` +
      `(up to 5 message objects per request) = ${plural(assessment.messages, 'message')} in ${situation.month}.`,
  );
}

function describeQuota(situation: MonthSituation, assessment: Assessment): ReasonDetail {
  const freeSource =
    situation.free < situation.planFree
      ? `LINE's monthly limit of ${count(situation.free)} (lower than the plan's ${count(situation.planFree)} free messages)`
      : `the ${situation.card.plan} plan's ${count(situation.free)} free messages`;
  const usedSource =
    situation.source === 'line'
      ? "LINE's usage reading plus this service's later sends, or its ledger if higher"
      : "this service's ledger";
  const lineLimit = situation.free < situation.planFree;
  return detail(
    `quota.${lineLimit ? 'line_limit' : 'plan'}.${situation.source === 'line' ? 'line' : 'ledger'}`,
    {
      free: situation.free,
      planFree: situation.planFree,
      plan: situation.card.plan,
      used: situation.used,
      reserved: situation.reserved,
      headroom: situation.headroom,
      remainingFree: assessment.remainingFree,
    },
    `Free quota: ${freeSource}; used ${count(situation.used)} (from ${usedSource}), reserved by other runs ` +
      `${count(situation.reserved)}, headroom for other Push traffic ${count(situation.headroom)}: ` +
      `${plural(assessment.remainingFree, 'free message')} remain.`,
  );
}

function describeSplit(situation: MonthSituation, assessment: Assessment): ReasonDetail[] {
  if (assessment.messages === 0) return [detail('split.nothing', {}, 'Nothing to send.')];
  if (assessment.paidMessages === 0)
    return [
      detail(
        'split.all_free',
        { messages: assessment.messages },
        `All ${plural(assessment.messages, 'message')} are free.`,
      ),
    ];
  const first = assessment.paidSoFar + 1;
  const last = assessment.paidSoFar + assessment.paidMessages;
  if (!situation.card.additionalAllowed) {
    return [
      detail(
        'split.past_free',
        { free: assessment.freeMessages, paid: assessment.paidMessages },
        `${count(assessment.freeMessages)} free and ${plural(assessment.paidMessages, 'message')} past the free quota.`,
      ),
    ];
  }
  return [
    detail(
      'split.paid',
      {
        free: assessment.freeMessages,
        paid: assessment.paidMessages,
        first,
        last,
        cost: formatAmount(assessment.costTotal),
        currency: situation.card.currency,
      },
      `${count(assessment.freeMessages)} free and ${count(assessment.paidMessages)} additional ` +
        `(additional positions ${count(first)} to ${count(last)} of the month), costing ${money(assessment.costTotal, situation.card.currency)}.`,
    ),
  ];
}

function describeRateCard(situation: MonthSituation, assessment: Assessment): ReasonDetail[] {
  const { card } = situation;
  if (card.verified || !card.additionalAllowed || assessment.paidMessages === 0) return [];
  return [
    detail(
      'rate_card.unverified',
      { region: card.region, plan: card.plan, effectiveFrom: card.effectiveFrom },
      `Prices come from the unverified rate card ${card.region} ${card.plan} (from ${card.effectiveFrom}): ` +
        "its bands are an estimate, not LINE's own table, and may overstate the cost.",
    ),
  ];
}

/** One reason per blocking verdict, in the verdicts' order (most severe first). */
function blockReasonsOf(situation: MonthSituation, assessment: Assessment): BlockReason[] {
  const { card } = situation;
  const messages = new Map<BlockReasonCode, { message: string; clearedBy: string; detail: ReasonDetail }[]>();
  const add = (
    code: BlockReasonCode,
    message: string,
    clearedBy: string = CLEARED_BY[code],
    part: { code: string; params: ReasonDetail['params'] } = { code, params: {} },
  ) =>
    messages.set(code, [
      ...(messages.get(code) ?? []),
      { message, clearedBy, detail: detail(part.code, part.params, message) },
    ]);
  if (assessment.overPlanLimit) {
    add(
      'over_plan_limit',
      `${plural(assessment.paidMessages, 'message')} would pass the free quota, and the ${card.plan} plan ` +
        'cannot buy additional messages: move the account to a plan that can (plan).',
      CLEARED_BY.over_plan_limit,
      { code: 'over_plan_limit', params: { paid: assessment.paidMessages, plan: card.plan } },
    );
  }
  if (assessment.overLineCap) {
    add(
      'over_line_cap',
      `This send would take the month's additional messages to ` +
        `${count(assessment.paidSoFar + assessment.paidMessages)}, past LINE's cap of ${count(situation.additionalCap ?? 0)}: ` +
        'raise the cap at LINE and here (additionalMessageCap), or send to fewer.',
      CLEARED_BY.over_line_cap,
      {
        code: 'over_line_cap',
        params: { after: assessment.paidSoFar + assessment.paidMessages, cap: situation.additionalCap ?? 0 },
      },
    );
  }
  if (assessment.overMonthlyCap && situation.monthlyCap !== null) {
    add(
      'over_budget',
      `Spent ${money(situation.spent, card.currency)} + reserved ${money(situation.reservedCost, card.currency)} + ` +
        `this send ${money(assessment.costTotal, card.currency)} = ${money(assessment.monthSpendAfter, card.currency)}, ` +
        `past the monthly budget of ${money(situation.monthlyCap, card.currency)} by ` +
        `${money(assessment.monthSpendAfter.minus(situation.monthlyCap), card.currency)}: raise it (monthlyBudget) or send to fewer.`,
      CLEARED_BY.over_budget,
      {
        code: 'over_budget.monthly',
        params: {
          spent: formatAmount(situation.spent),
          reserved: formatAmount(situation.reservedCost),
          cost: formatAmount(assessment.costTotal),
          after: formatAmount(assessment.monthSpendAfter),
          cap: formatAmount(situation.monthlyCap),
          over: formatAmount(assessment.monthSpendAfter.minus(situation.monthlyCap)),
          currency: card.currency,
        },
      },
    );
  }
  if (assessment.overCostCap && situation.costCap !== null) {
    add(
      'over_budget',
      `This send costs ${money(assessment.costTotal, card.currency)}, more than the campaign's cost cap of ` +
        `${money(situation.costCap, card.currency)}: withdraw the campaign and raise its costCap, or send to fewer.`,
      COST_CAP_CLEARED_BY,
      {
        code: 'over_budget.cost_cap',
        params: {
          cost: formatAmount(assessment.costTotal),
          costCap: formatAmount(situation.costCap),
          currency: card.currency,
        },
      },
    );
  }
  if (assessment.quotaUnknown) {
    add(
      'quota_unknown',
      "LINE's quota and usage have not been read recently enough, and pushes sent outside this service " +
        'may be missing from the figures; with a cap in force the send is held until they are read again.',
    );
  }
  return assessment.verdicts.map((code) => {
    const parts = messages.get(code) ?? [];
    return {
      code,
      message: parts.map((part) => part.message).join(' '),
      clearedBy: [...new Set(parts.map((part) => part.clearedBy))].join(' and ') || CLEARED_BY[code],
      details: parts.map((part) => part.detail),
    };
  });
}

function staleWithoutCap(situation: MonthSituation, assessment: Assessment): ReasonDetail[] {
  if (assessment.quotaUnknown || situation.fresh || assessment.messages === 0) return [];
  return [
    detail(
      'stale_no_cap',
      {},
      "LINE's quota and usage have not been read recently; no cap applies, so the figures above are a lower bound.",
    ),
  ];
}
