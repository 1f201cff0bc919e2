import { Dec, formatAmount } from '../money';
import { monthOf } from '../pricing';
import { plural } from '../text';
import type { ReasonDetail } from './forecast.types';

/**
 * A run of a campaign whose send has started and is not over: sending or paused, or a part of the
 * same approval waiting for its time (an A/B test's remainder, the rest deferred to the reset).
 */
export interface RunUnderWay {
  id: string;
  status: 'scheduled' | 'sending' | 'paused';
  scheduledAt: Date;
  /** Recipients of the run's snapshot not yet sent (its batches still pending or being sent). */
  unsent: number;
  /** Message objects the run sends (an undecided A/B remainder: the largest variant's). */
  messageObjects: number;
  /** The run's reservation while it is held (an A/B test's runs share one), with what is not yet settled. */
  held: { reservationId: string; month: string; messages: number; cost: string } | null;
}

/**
 * What a campaign with a run under way has still to send, in the month its next part goes: the
 * forecast of that part is the one its own gate will make, so it must not count again what the
 * campaign already sent (that is in the month's used and spent) nor what its own runs hold
 * (`held`, to be taken out of the month's reserved figures: DESIGN's V is other runs' holds).
 */
export interface RestOfSend {
  month: string;
  /** When the next part goes; null: now (a run is sending, paused or due). */
  sendAt: Date | null;
  recipients: number;
  messageObjects: number;
  runIds: string[];
  /** The campaign's own holds in `month`, each reservation once. */
  held: { messages: number; cost: string };
}

/**
 * The rest of a send under way, or null when no run is under way. Runs going in a later month (the
 * rest deferred to the reset while the free part is still sending) are that month's forecast, not
 * this one's: only the earliest month's runs are counted. A mix of runs is forecast at the largest
 * requests per recipient among them, so it overestimates rather than under.
 */
export function restOfSend(runs: readonly RunUnderWay[], now: Date, timeZone: string): RestOfSend | null {
  if (runs.length === 0) return null;
  const goesAt = (run: RunUnderWay) =>
    run.status === 'scheduled' && run.scheduledAt.getTime() > now.getTime() ? run.scheduledAt : now;
  const month = runs.map((run) => monthOf(goesAt(run), timeZone)).sort()[0];
  const inMonth = runs.filter((run) => monthOf(goesAt(run), timeZone) === month);
  const next = Math.min(...inMonth.map((run) => goesAt(run).getTime()));
  const holds = new Map<string, { messages: number; cost: string }>();
  for (const run of runs) if (run.held && run.held.month === month) holds.set(run.held.reservationId, run.held);
  return {
    month,
    sendAt: next > now.getTime() ? new Date(next) : null,
    recipients: inMonth.reduce((sum, run) => sum + run.unsent, 0),
    messageObjects: Math.max(...inMonth.map((run) => run.messageObjects)),
    runIds: inMonth.map((run) => run.id),
    held: {
      messages: [...holds.values()].reduce((sum, hold) => sum + hold.messages, 0),
      cost: formatAmount([...holds.values()].reduce((sum, hold) => sum.plus(hold.cost), new Dec(0))),
    },
  };
}

/** The month's reserved figures without the campaign's own holds (never below 0). */
export function withoutOwnHolds(
  reserved: { messages: number; cost: string },
  held: RestOfSend['held'],
): { messages: number; cost: string } {
  const cost = new Dec(reserved.cost).minus(held.cost);
  return {
    messages: Math.max(0, reserved.messages - held.messages),
    cost: formatAmount(cost.isNegative() ? 0 : cost),
  };
}

/** The forecast's note that it is of the rest of a send under way, first among its reasons. */
export function underWayNote(rest: RestOfSend, currency: string): ReasonDetail {
  const when = rest.sendAt ? `at ${rest.sendAt.toISOString()}` : 'now';
  return {
    code: 'campaign.under_way',
    params: {
      recipients: rest.recipients,
      runs: rest.runIds.join(', '),
      at: rest.sendAt ? rest.sendAt.toISOString() : '',
      heldMessages: rest.held.messages,
      heldCost: rest.held.cost,
      currency,
    },
    text:
      `This campaign's send is under way: this forecasts what it has still to send, ${plural(rest.recipients, 'recipient')} ` +
      `(run ${rest.runIds.join(', ')}, ${when}), against the month as it is: what it already sent is in the month's used and spent, ` +
      `and the ${plural(rest.held.messages, 'message')} (${rest.held.cost} ${currency}) its own runs hold are not counted again.`,
  };
}
