import { formatAmount } from '../money';
import { Assessment } from './assess';
import { MonthSituation } from './situation';

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function plural(value: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(value)} ${value === 1 ? singular : pluralForm}`;
}

function money(value: Parameters<typeof formatAmount>[0], currency: string): string {
  return `${formatAmount(value)} ${currency}`;
}

/** Human-readable account of a forecast: the arithmetic first, then each reason it cannot go ahead. */
export function explain(situation: MonthSituation, assessment: Assessment): string[] {
  return [
    describeMessages(situation, assessment),
    describeQuota(situation, assessment),
    ...describeSplit(situation, assessment),
    ...describeRateCard(situation, assessment),
    ...describeProblems(situation, assessment),
  ];
}

function describeMessages(situation: MonthSituation, assessment: Assessment): string {
  return (
    `${plural(assessment.recipients, 'recipient')} × ${plural(situation.requestsPerRecipient, 'request')} each ` +
    `(up to 5 message objects per request) = ${plural(assessment.messages, 'message')} in ${situation.month}.`
  );
}

function describeQuota(situation: MonthSituation, assessment: Assessment): string {
  const freeSource =
    situation.free < situation.planFree
      ? `LINE's monthly limit of ${count(situation.free)} (lower than the plan's ${count(situation.planFree)} free messages)`
      : `the ${situation.card.plan} plan's ${count(situation.free)} free messages`;
  const usedSource =
    situation.source === 'line'
      ? "LINE's usage reading plus this service's later sends, or its ledger if higher"
      : "this service's ledger";
  return (
    `Free quota: ${freeSource}; used ${count(situation.used)} (from ${usedSource}), reserved by other runs ` +
    `${count(situation.reserved)}, headroom for other Push traffic ${count(situation.headroom)}: ` +
    `${plural(assessment.remainingFree, 'free message')} remain.`
  );
}

function describeSplit(situation: MonthSituation, assessment: Assessment): string[] {
  if (assessment.messages === 0) return ['Nothing to send.'];
  if (assessment.paidMessages === 0) return [`All ${plural(assessment.messages, 'message')} are free.`];
  const first = assessment.paidSoFar + 1;
  const last = assessment.paidSoFar + assessment.paidMessages;
  if (!situation.card.additionalAllowed) {
    return [
      `${count(assessment.freeMessages)} free and ${plural(assessment.paidMessages, 'message')} past the free quota.`,
    ];
  }
  return [
    `${count(assessment.freeMessages)} free and ${count(assessment.paidMessages)} additional ` +
      `(additional positions ${count(first)} to ${count(last)} of the month), costing ${money(assessment.costTotal, situation.card.currency)}.`,
  ];
}

function describeRateCard(situation: MonthSituation, assessment: Assessment): string[] {
  const { card } = situation;
  if (card.verified || !card.additionalAllowed || assessment.paidMessages === 0) return [];
  return [
    `Prices come from the unverified rate card ${card.region} ${card.plan} (from ${card.effectiveFrom}): ` +
      "its bands are an estimate, not LINE's own table, and may overstate the cost.",
  ];
}

function describeProblems(situation: MonthSituation, assessment: Assessment): string[] {
  const { card } = situation;
  const problems: string[] = [];
  if (assessment.overPlanLimit) {
    problems.push(
      `Over the plan limit: ${plural(assessment.paidMessages, 'message')} would pass the free quota, ` +
        `and the ${card.plan} plan cannot buy additional messages.`,
    );
  }
  if (assessment.overLineCap) {
    problems.push(
      `Over LINE's cap: this send would take the month's additional messages to ` +
        `${count(assessment.paidSoFar + assessment.paidMessages)}, past the cap of ${count(situation.additionalCap ?? 0)}.`,
    );
  }
  if (assessment.overMonthlyCap && situation.monthlyCap !== null) {
    problems.push(
      `Over budget: spent ${money(situation.spent, card.currency)} + reserved ${money(situation.reservedCost, card.currency)} + ` +
        `this send ${money(assessment.costTotal, card.currency)} = ${money(assessment.monthSpendAfter, card.currency)}, ` +
        `past the monthly cap of ${money(situation.monthlyCap, card.currency)} by ` +
        `${money(assessment.monthSpendAfter.minus(situation.monthlyCap), card.currency)}.`,
    );
  }
  if (assessment.overCostCap && situation.costCap !== null) {
    problems.push(
      `Over budget: this send costs ${money(assessment.costTotal, card.currency)}, ` +
        `more than the campaign's cost cap of ${money(situation.costCap, card.currency)}.`,
    );
  }
  if (assessment.quotaUnknown) {
    problems.push(
      "Quota unknown: LINE's quota and usage have not been read recently enough, and pushes sent outside this service " +
        'may be missing from the figures; with a cap in force the send is held until they are read again.',
    );
  } else if (!situation.fresh && assessment.messages > 0) {
    problems.push(
      "LINE's quota and usage have not been read recently; no cap applies, so the figures above are a lower bound.",
    );
  }
  return problems;
}
