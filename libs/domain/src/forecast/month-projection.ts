import { Dec, Decimal, formatAmount } from '../money';
import { additionalMessagesOf, additionalSpendOf, monthBounds } from '../pricing';
import { nextSendAfter, RecurringSchedule } from '../schedules';
import { ForecastInput } from './forecast.types';
import { assertCount, buildSituation } from './situation';

const DAY_MS = 86_400_000;
/**
 * Outside traffic observed over less than this is spread over this long: a burst in the first
 * hour after the service starts watching is not a pace to extend across the month.
 */
export const MIN_TREND_WINDOW_MS = 7 * DAY_MS;
/** A recurring campaign is expanded to at most this many sends in a month (a cron of every minute has 44,640). */
export const MAX_OCCURRENCES_PER_MONTH = 5000;

/** Push messages LINE counted that this service did not send, as of one LINE reading. */
export interface OutsideReading {
  messages: number;
  at: Date;
}

/** A scheduled run still due, with the rest of its campaign's recurrence when it has one. */
export interface DueSend {
  campaignId: string;
  /** The run's scheduled time (a run of this month past its time and not yet started still goes). */
  at: Date;
  recurrence: RecurringSchedule | null;
  /** The audience's current size, after the campaign's own limit. */
  recipients: number;
  messageObjects: number;
}

export interface ProjectionContext {
  now: Date;
  timeZone: string;
  /** The month's first and latest LINE readings of outside traffic; null before any reading. */
  outside: { first: OutsideReading; latest: OutsideReading } | null;
  dueSends: readonly DueSend[];
  /**
   * sendTimesInMonth, or a cache of it (the service keeps one: README, "API latency"): the walk of
   * a recurrence is most of a projection's cost, and its answer depends on its arguments alone.
   */
  sendTimes?: typeof sendTimesInMonth;
}

/** How often, and first and last when, a due send and its recurrence send inside [start, end). */
export interface SendTimes {
  /** At most MAX_OCCURRENCES_PER_MONTH. */
  sends: number;
  /** Null when none falls in the month. */
  first: Date | null;
  last: Date | null;
  /** True when the recurrence has more sends left than were counted. */
  capped: boolean;
}

export interface ProjectedCampaign {
  campaignId: string;
  recipients: number;
  messagesPerSend: number;
  /** Sends left this month: the scheduled run and, for a recurring campaign, each later occurrence. */
  sends: number;
  messages: number;
  firstAt: string;
  lastAt: string;
  /** True when the recurrence has more than MAX_OCCURRENCES_PER_MONTH sends left (only that many are counted). */
  capped: boolean;
}

export type LimitKind = 'free_quota' | 'line_limit' | 'budget';

export interface ProjectedLimit {
  kind: LimitKind;
  /** Messages for free_quota and line_limit, money (4 decimals) for budget. */
  limit: string;
  projected: string;
  /** projected / limit in whole percent, rounded down. */
  percent: number;
}

export interface MonthProjection {
  month: string;
  /** Share of the month elapsed, 0 to 1, as a decimal string. */
  elapsedFraction: string;
  /** (a) Messages already counted this month (U). */
  sentSoFar: number;
  /** Messages reserved by runs still sending (V). */
  reserved: number;
  /** (b) Push traffic sent outside this service. */
  outside: {
    /** Outside messages in LINE's latest reading (already part of sentSoFar). */
    soFar: number;
    /** The readings the trend is measured between; null before two readings. */
    observedFrom: string | null;
    observedTo: string | null;
    /** Outside messages a day over that window (at least MIN_TREND_WINDOW_MS long), 2 decimals. */
    perDay: string;
    /** The trend extended from the latest reading to the month's end, rounded up. */
    trend: number;
    /** The account's own allowance for outside pushes (H). */
    headroom: number;
    /** What the projection counts for the rest of the month: the larger of trend and headroom. */
    restOfMonth: number;
  };
  /** (c) Scheduled and recurring runs still due this month, at their audiences' current sizes. */
  scheduled: { messages: number; campaigns: ProjectedCampaign[] };
  endOfMonthMessages: number;
  /** Projected messages past the card's free quota (refused by LINE on plans that can't buy more). */
  endOfMonthAdditionalMessages: number;
  /** Additional-message spend (fee excluded), 4 decimal places: the spend so far and reserved, or what the total implies, the larger. */
  endOfMonthSpend: string;
  currency: string;
  /** True when the projection passes the free quota of a plan that can't buy more. */
  exceedsPlanLimit: boolean;
  /** The projection against each limit the account has: free quota, LINE's monthly limit, the budget cap. */
  limits: ProjectedLimit[];
}

/**
 * The month's end as it stands (docs/domain.md, "The month's projection"): what was counted so far,
 * plus what runs still sending hold, plus outside traffic for the rest of the month (its observed
 * pace between LINE readings, or the account's headroom if larger), plus every scheduled send still
 * due this month at its audience's current size. Nothing is extrapolated from the service's own
 * sends: they happen when they are scheduled, and the schedule is known.
 */
export function projectMonth(input: ForecastInput, context: ProjectionContext): MonthProjection {
  const situation = buildSituation(input);
  const { start, end } = monthBounds(input.month, context.timeZone);
  const nowMs = context.now.getTime();
  const monthMs = end.getTime() - start.getTime();
  const elapsed = new Dec(Math.min(Math.max(nowMs - start.getTime(), 0), monthMs)).div(monthMs);
  const over = nowMs >= end.getTime();

  const outside = outsideTrend(context, end, over, situation.headroom);
  const campaigns = context.dueSends
    .map((send) => projectCampaign(send, start, end, context.sendTimes ?? sendTimesInMonth))
    .filter((campaign): campaign is ProjectedCampaign => campaign !== null);
  const scheduledMessages = campaigns.reduce((sum, campaign) => sum + campaign.messages, 0);

  const total = situation.used + situation.reserved + outside.restOfMonth + scheduledMessages;
  const card = situation.card;
  const additional = additionalMessagesOf(card, total);
  const spend = Dec.max(situation.spent.plus(situation.reservedCost), additionalSpendOf(card, total));
  const limits: ProjectedLimit[] = [];
  const limit = (kind: LimitKind, cap: Decimal, projected: Decimal, decimals: boolean) => {
    if (cap.lte(0)) return; // nothing to measure against: a zero cap is a policy, not a budget that fills
    limits.push({
      kind,
      limit: decimals ? formatAmount(cap) : cap.toFixed(0),
      projected: decimals ? formatAmount(projected) : projected.toFixed(0),
      percent: projected.times(100).div(cap).floor().toNumber(),
    });
  };
  limit('free_quota', new Dec(situation.free), new Dec(total), false);
  if (situation.lineLimit !== null) limit('line_limit', new Dec(situation.lineLimit), new Dec(total), false);
  if (situation.monthlyCap !== null && card.additionalAllowed) limit('budget', situation.monthlyCap, spend, true);

  return {
    month: input.month,
    elapsedFraction: elapsed.toFixed(6),
    sentSoFar: situation.used,
    reserved: situation.reserved,
    outside,
    scheduled: { messages: scheduledMessages, campaigns },
    endOfMonthMessages: total,
    endOfMonthAdditionalMessages: additional,
    endOfMonthSpend: formatAmount(card.additionalAllowed ? spend : 0),
    currency: card.currency,
    exceedsPlanLimit: additional > 0 && !card.additionalAllowed,
    limits,
  };
}

function outsideTrend(context: ProjectionContext, end: Date, over: boolean, headroom: number) {
  const readings = context.outside;
  if (readings) {
    assertCount(readings.first.messages, 'outside.first.messages');
    assertCount(readings.latest.messages, 'outside.latest.messages');
  }
  const observed =
    readings && readings.latest.at.getTime() > readings.first.at.getTime()
      ? { from: readings.first, to: readings.latest }
      : null;
  let perDay = new Dec(0);
  let trend = 0;
  if (observed) {
    const grown = Math.max(0, observed.to.messages - observed.from.messages);
    const window = Math.max(observed.to.at.getTime() - observed.from.at.getTime(), MIN_TREND_WINDOW_MS);
    perDay = new Dec(grown).times(DAY_MS).div(window);
    const rest = Math.max(0, end.getTime() - observed.to.at.getTime());
    trend = over ? 0 : new Dec(grown).times(rest).div(window).ceil().toNumber();
  }
  return {
    soFar: readings?.latest.messages ?? 0,
    observedFrom: observed?.from.at.toISOString() ?? null,
    observedTo: observed?.to.at.toISOString() ?? null,
    perDay: perDay.toFixed(2),
    trend,
    headroom,
    restOfMonth: over ? 0 : Math.max(trend, headroom),
  };
}

/** The due run and its campaign's later occurrences inside the month; null when none falls in it. */
function projectCampaign(
  send: DueSend,
  start: Date,
  end: Date,
  sendTimes: typeof sendTimesInMonth,
): ProjectedCampaign | null {
  assertCount(send.recipients, 'dueSends.recipients');
  const messagesPerSend = send.recipients * Math.ceil(send.messageObjects / 5);
  const { sends, first, last, capped } = sendTimes(send.at, send.recurrence, start, end);
  if (sends === 0 || !first || !last) return null;
  return {
    campaignId: send.campaignId,
    recipients: send.recipients,
    messagesPerSend,
    sends,
    messages: messagesPerSend * sends,
    firstAt: first.toISOString(),
    lastAt: last.toISOString(),
    capped,
  };
}

/**
 * The times a send at `at` and its recurrence's later occurrences fall in [start, end). A pure
 * function of its arguments (the schedule's fields, not its identity): what a cache may key on.
 */
export function sendTimesInMonth(at: Date, recurrence: RecurringSchedule | null, start: Date, end: Date): SendTimes {
  const times: Date[] = [];
  let capped = false;
  if (at.getTime() < end.getTime() && at.getTime() >= start.getTime()) times.push(at);
  if (recurrence && at.getTime() < end.getTime()) {
    const lastMs = Math.min(recurrence.until.getTime(), end.getTime() - 1);
    const within = { ...recurrence, until: new Date(lastMs) };
    for (let next = nextSendAfter(within, at); next; next = nextSendAfter(within, next)) {
      if (times.length >= MAX_OCCURRENCES_PER_MONTH) {
        capped = true;
        break;
      }
      if (next.getTime() >= start.getTime()) times.push(next);
    }
  }
  return { sends: times.length, first: times[0] ?? null, last: times[times.length - 1] ?? null, capped };
}
