import { lineBadRequestBody, LineMessageProblem } from '@lcm/domain/line-messages';
import { isRecord } from './channel-settings';
import type { MonthKey } from './clock';
import type { ApiReply } from './messaging-service';
import type { SimChannel } from './sim-channel';

/** LINE lets an account use at most this many aggregation unit names in a month. */
export const AGGREGATION_UNITS_PER_MONTH = 1000;

/** LINE answers `null` instead of any count below this, for privacy. */
export const STATISTICS_THRESHOLD = 20;

/** The true counts behind a unit's statistics, as a test sets them (`PUT /_sim/channels/:id/statistics/:unit`). */
export interface UnitFigures {
  uniqueImpression: number;
  uniqueClick: number;
  uniqueMediaPlayed: number;
  uniqueMediaPlayed100Percent: number;
}

const FIGURE_NAMES: readonly (keyof UnitFigures)[] = [
  'uniqueImpression',
  'uniqueClick',
  'uniqueMediaPlayed',
  'uniqueMediaPlayed100Percent',
];

const UNIT_NAME = /^[a-zA-Z0-9_]{1,30}$/;
const LINE_DATE = /^\d{8}$/;
const MAX_PERIOD_DAYS = 30;

/**
 * One channel's aggregation units: the names used each month (in first-use order), units counted as
 * used elsewhere (another tool on the same account), and the figures a test gave each unit.
 */
export class ChannelInsight {
  private readonly names = new Map<MonthKey, string[]>();
  private readonly elsewhere = new Map<MonthKey, number>();
  private readonly figures = new Map<string, UnitFigures>();

  used(month: MonthKey): number {
    return (this.names.get(month)?.length ?? 0) + (this.elsewhere.get(month) ?? 0);
  }

  unitNames(month: MonthKey): readonly string[] {
    return this.names.get(month) ?? [];
  }

  usedElsewhere(month: MonthKey): number {
    return this.elsewhere.get(month) ?? 0;
  }

  setUsedElsewhere(month: MonthKey, count: number): void {
    this.elsewhere.set(month, count);
  }

  /** Whether a send may name `unit` this month: a name already used is free, a new one needs room. */
  mayUse(month: MonthKey, unit: string): boolean {
    return this.unitNames(month).includes(unit) || this.used(month) < AGGREGATION_UNITS_PER_MONTH;
  }

  use(month: MonthKey, unit: string): void {
    const names = this.names.get(month) ?? [];
    if (!names.includes(unit)) names.push(unit);
    this.names.set(month, names);
  }

  setFigures(unit: string, figures: UnitFigures): void {
    this.figures.set(unit, figures);
  }

  figuresOf(unit: string): UnitFigures | undefined {
    return this.figures.get(unit);
  }

  clear(): void {
    this.names.clear();
    this.elsewhere.clear();
    this.figures.clear();
  }
}

/** The unit a send names (`customAggregationUnits[0]`), once the body passed LINE's checks. */
export function aggregationUnitOf(body: unknown): string | null {
  if (!isRecord(body) || !Array.isArray(body.customAggregationUnits)) return null;
  const unit: unknown = body.customAggregationUnits[0];
  return typeof unit === 'string' ? unit : null;
}

export function unitLimitProblem(): LineMessageProblem {
  return {
    property: 'customAggregationUnits',
    message: `The number of aggregation units used this month has reached the limit (${AGGREGATION_UNITS_PER_MONTH})`,
  };
}

/** A count as LINE reports it: null under the threshold (and for a unit no one saw). */
function reported(count: number | undefined): number | null {
  return count === undefined || count < STATISTICS_THRESHOLD ? null : count;
}

/** `GET /v2/bot/insight/message/event/aggregation`'s body for a unit whose checks passed. */
export function statisticsBody(figures: UnitFigures | undefined): Record<string, unknown> {
  return {
    overview: Object.fromEntries(FIGURE_NAMES.map((name) => [name, reported(figures?.[name])])),
    messages: figures
      ? [
          {
            seq: 1,
            impression: reported(figures.uniqueImpression),
            uniqueImpression: reported(figures.uniqueImpression),
            mediaPlayed: reported(figures.uniqueMediaPlayed),
            uniqueMediaPlayed: reported(figures.uniqueMediaPlayed),
          },
        ]
      : [],
    clicks: [],
  };
}

/** The query's problems as LINE names them: unit name, `from` and `to` as yyyyMMdd, at most 30 days apart. */
export function statisticsQueryProblems(query: Record<string, unknown>): LineMessageProblem[] {
  const problems: LineMessageProblem[] = [];
  const { customAggregationUnit: unit, from, to } = query;
  if (typeof unit !== 'string' || !UNIT_NAME.test(unit))
    problems.push({ property: 'customAggregationUnit', message: 'must be 1 to 30 letters, digits or underscores' });
  const fromDay = typeof from === 'string' && LINE_DATE.test(from) ? dayNumber(from) : null;
  const toDay = typeof to === 'string' && LINE_DATE.test(to) ? dayNumber(to) : null;
  if (fromDay === null) problems.push({ property: 'from', message: 'must be a date as yyyyMMdd' });
  if (toDay === null) problems.push({ property: 'to', message: 'must be a date as yyyyMMdd' });
  if (fromDay !== null && toDay !== null && (toDay < fromDay || toDay - fromDay > MAX_PERIOD_DAYS))
    problems.push({ property: 'to', message: `must be on or after from, and at most ${MAX_PERIOD_DAYS} days later` });
  return problems;
}

function dayNumber(yyyymmdd: string): number | null {
  const at = Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8)));
  const date = new Date(at);
  if (date.getUTCDate() !== Number(yyyymmdd.slice(6, 8))) return null;
  return Math.round(at / 86_400_000);
}

/** Figures from a control body: each a non-negative integer, left-out ones 0. */
export function parseUnitFigures(body: unknown): { ok: true; value: UnitFigures } | { ok: false; errors: string[] } {
  if (!isRecord(body)) return { ok: false, errors: [`body must be an object with ${FIGURE_NAMES.join(', ')}`] };
  const errors: string[] = [];
  const value = {} as UnitFigures;
  for (const name of FIGURE_NAMES) {
    const raw = body[name] ?? 0;
    if (!Number.isSafeInteger(raw) || (raw as number) < 0) errors.push(`${name} must be a non-negative integer`);
    else value[name] = raw as number;
  }
  for (const key of Object.keys(body))
    if (!(FIGURE_NAMES as readonly string[]).includes(key)) errors.push(`unknown figure ${key}`);
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

export function isUnitName(value: unknown): value is string {
  return typeof value === 'string' && UNIT_NAME.test(value);
}

const LIST_DEFAULT_LIMIT = 100;
const LIST_MAX_LIMIT = 100;

/** The insight and aggregation-unit endpoints, independent of HTTP. */
export class InsightService {
  /** `GET /v2/bot/message/aggregation/info`. */
  aggregationInfo(channel: SimChannel): ApiReply {
    return {
      status: 200,
      body: { numOfCustomAggregationUnits: channel.insight.used(channel.currentMonth()) },
      outcome: 'ok',
    };
  }

  /** `GET /v2/bot/message/aggregation/list?limit=&start=`: this service's names (units used elsewhere have none here). */
  aggregationList(channel: SimChannel, query: Record<string, unknown>): ApiReply {
    const limit = query.limit === undefined ? LIST_DEFAULT_LIMIT : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX_LIMIT)
      return invalidReply([{ property: 'limit', message: `must be between 1 and ${LIST_MAX_LIMIT}` }]);
    const offset = query.start === undefined ? 0 : decodeListToken(query.start);
    if (offset === null) return invalidReply([{ property: 'start', message: 'invalid continuation token' }]);
    const names = channel.insight.unitNames(channel.currentMonth());
    const body: { customAggregationUnits: string[]; next?: string } = {
      customAggregationUnits: names.slice(offset, offset + limit),
    };
    if (offset + limit < names.length) body.next = Buffer.from(`units:${offset + limit}`).toString('base64url');
    return { status: 200, body, outcome: 'ok' };
  }

  /** `GET /v2/bot/insight/message/event/aggregation?customAggregationUnit=&from=&to=`. */
  statisticsPerUnit(channel: SimChannel, query: Record<string, unknown>): ApiReply {
    const problems = statisticsQueryProblems(query);
    if (problems.length) return invalidReply(problems);
    return {
      status: 200,
      body: statisticsBody(channel.insight.figuresOf(query.customAggregationUnit as string)),
      outcome: 'ok',
    };
  }
}

function invalidReply(problems: LineMessageProblem[]): ApiReply {
  return { status: 400, body: lineBadRequestBody(problems), outcome: 'invalid' };
}

function decodeListToken(token: unknown): number | null {
  if (typeof token !== 'string') return null;
  const match = /^units:(\d{1,6})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}
