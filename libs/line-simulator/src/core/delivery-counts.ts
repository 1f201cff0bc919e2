import type { ApiReply } from './messaging-service';
import type { SimChannel } from './sim-channel';

/** The delivery-count endpoints (`GET /v2/bot/message/delivery/{multicast,push}?date=yyyyMMdd`). */
export type DeliveryCountEndpoint = 'multicast' | 'push';

export type DeliveryCountStatus = 'ready' | 'unready' | 'unavailable_for_privacy' | 'out_of_service';

export interface DeliveryCountFigure {
  status: DeliveryCountStatus;
  success?: number;
}

const LINE_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;
/** LINE started counting on this day; earlier dates answer `out_of_service`. */
const FIRST_COUNTED_DATE = '20180331';
const PRIVACY_THRESHOLD = 20;
const DATE_PARAM = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * A channel's per-day delivery counts as LINE reports them: the messages counted (delivered to
 * followers; blocked and unknown users are not) by endpoint and LINE day (UTC+9), reported
 * `unready` until `readyAfterMs` after the day ends (LINE says calculation takes about a day; the
 * simulator's default is 0), then `ready` with the count, or `unavailable_for_privacy` under 20.
 * Tests may set a day's answer outright.
 */
export class DeliveryCounts {
  readyAfterMs = 0;
  private readonly overrides = new Map<string, DeliveryCountFigure>();

  setOverride(endpoint: DeliveryCountEndpoint, date: string, figure: DeliveryCountFigure | null): void {
    if (figure) this.overrides.set(`${endpoint}:${date}`, figure);
    else this.overrides.delete(`${endpoint}:${date}`);
  }

  overridesView(): Record<string, DeliveryCountFigure> {
    return Object.fromEntries(this.overrides);
  }

  reset(): void {
    this.readyAfterMs = 0;
    this.overrides.clear();
  }

  /** What LINE would answer for `date` now. */
  figure(channel: SimChannel, endpoint: DeliveryCountEndpoint, date: string, now: number): DeliveryCountFigure {
    const override = this.overrides.get(`${endpoint}:${date}`);
    if (override) return override;
    if (date < FIRST_COUNTED_DATE) return { status: 'out_of_service' };
    const start = dayStart(date);
    if (now < start + DAY_MS + this.readyAfterMs) return { status: 'unready' };
    const counted = countedOn(channel, endpoint, start);
    return counted < PRIVACY_THRESHOLD ? { status: 'unavailable_for_privacy' } : { status: 'ready', success: counted };
  }

  /** Every day the channel sent on, with the figure LINE would answer now. */
  days(
    channel: SimChannel,
    now: number,
  ): { date: string; endpoint: DeliveryCountEndpoint; counted: number; figure: DeliveryCountFigure }[] {
    const keys = new Set<string>();
    for (const send of channel.deliveries.all())
      if (send.endpoint === 'multicast' || send.endpoint === 'push')
        keys.add(`${send.endpoint}:${dateParamOf(send.acceptedAt)}`);
    return [...keys].sort().map((key) => {
      const [endpoint, date] = key.split(':') as [DeliveryCountEndpoint, string];
      return {
        date,
        endpoint,
        counted: countedOn(channel, endpoint, dayStart(date)),
        figure: this.figure(channel, endpoint, date, now),
      };
    });
  }
}

/** The reply to the Messaging API call; a date that isn't `yyyyMMdd` is a 400. */
export function deliveryCountReply(
  channel: SimChannel,
  endpoint: DeliveryCountEndpoint,
  query: Record<string, unknown>,
  now: number,
): ApiReply {
  if (!isDateParam(query.date))
    return {
      status: 400,
      body: {
        message: "The value for the 'date' parameter is invalid",
        details: [{ property: 'date', message: 'must be yyyyMMdd' }],
      },
      outcome: 'invalid',
    };
  return { status: 200, body: channel.deliveryCounts.figure(channel, endpoint, query.date, now), outcome: 'ok' };
}

export function isDateParam(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PARAM.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return (
    date.getUTCFullYear() === Number(match[1]) &&
    date.getUTCMonth() === Number(match[2]) - 1 &&
    date.getUTCDate() === Number(match[3])
  );
}

export function isDeliveryCountFigure(value: unknown): value is DeliveryCountFigure {
  if (typeof value !== 'object' || value === null) return false;
  const { status, success, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length) return false;
  if (status === 'ready') return Number.isSafeInteger(success) && (success as number) >= 0;
  return (
    (status === 'unready' || status === 'unavailable_for_privacy' || status === 'out_of_service') &&
    success === undefined
  );
}

function dayStart(date: string): number {
  const match = DATE_PARAM.exec(date)!;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - LINE_OFFSET_MS;
}

function dateParamOf(epochMs: number): string {
  return new Date(epochMs + LINE_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

function countedOn(channel: SimChannel, endpoint: DeliveryCountEndpoint, start: number): number {
  let counted = 0;
  for (const send of channel.deliveries.all())
    if (send.endpoint === endpoint && send.acceptedAt >= start && send.acceptedAt < start + DAY_MS)
      counted += send.counted;
  return counted;
}
