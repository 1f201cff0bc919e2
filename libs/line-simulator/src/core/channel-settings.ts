import { createHash } from 'node:crypto';
import { isLineUserId } from '@lcm/domain/line-messages';
import { isLineEndpoint, LineEndpoint } from './endpoints';
import { FaultConfig, FaultStep, NO_FAULTS } from './faults';
import { RATE_LIMIT_GROUPS, RateLimit, RateLimitGroup } from './rate-limiter';

export type Quota = { type: 'none' } | { type: 'limited'; value: number };

export interface BotInfo {
  userId: string;
  basicId: string;
  premiumId?: string;
  displayName: string;
  pictureUrl?: string;
  chatMode: 'chat' | 'bot';
  markAsReadMode: 'auto' | 'manual';
}

/** Per-channel rate limits; a group left out inherits the simulator-wide limit, `null` lifts it. */
export type RateLimitOverrides = Partial<Record<RateLimitGroup, RateLimit | null>>;

/** Everything that defines a channel; resetting a channel re-applies these. */
export interface ChannelSettings {
  channelId: string;
  accessToken: string;
  channelSecret: string;
  quota: Quota;
  /** Messages already used in the current month when the channel is created or reset. */
  consumption: number;
  followers: string[];
  /** Extra followers with generated ids (`U` + md5 of channel id and index), after `followers`. */
  followerCount: number;
  blocked: string[];
  webhookUrl: string | null;
  botInfo: BotInfo;
  rateLimits: RateLimitOverrides;
  /** Send `Retry-After` on rate-limit 429s (LINE does not); null inherits the simulator-wide choice. */
  retryAfterHeader: boolean | null;
  faults: FaultConfig;
}

export type ChannelInput = Partial<Omit<ChannelSettings, 'channelId' | 'botInfo' | 'faults'>> & {
  botInfo?: Partial<BotInfo>;
  faults?: Partial<FaultConfig>;
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** The light plan's 200 free messages: a channel without a configured quota behaves like a new OA. */
export const DEFAULT_QUOTA: Quota = { type: 'limited', value: 200 };

const CHANNEL_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isChannelId(value: string): boolean {
  return CHANNEL_ID.test(value);
}

export function defaultBotInfo(channelId: string): BotInfo {
  const digest = createHash('md5').update(`bot:${channelId}`).digest('hex');
  return {
    userId: `U${digest}`,
    basicId: `@${digest.slice(0, 8)}`,
    displayName: `Simulated OA ${channelId}`,
    chatMode: 'bot',
    markAsReadMode: 'auto',
  };
}

export function defaultChannelSecret(channelId: string): string {
  return createHash('md5').update(`secret:${channelId}`).digest('hex');
}

/** Builds full settings from a create (no `previous`) or an update (merged over `previous`). */
export function settingsFrom(channelId: string, input: ChannelInput, previous?: ChannelSettings): ChannelSettings {
  const base: ChannelSettings = previous ?? {
    channelId,
    accessToken: '',
    channelSecret: defaultChannelSecret(channelId),
    quota: DEFAULT_QUOTA,
    consumption: 0,
    followers: [],
    followerCount: 0,
    blocked: [],
    webhookUrl: null,
    botInfo: defaultBotInfo(channelId),
    rateLimits: {},
    retryAfterHeader: null,
    faults: { ...NO_FAULTS, script: [] },
  };
  return {
    ...base,
    ...definedOnly({
      accessToken: input.accessToken,
      channelSecret: input.channelSecret,
      quota: input.quota,
      consumption: input.consumption,
      followers: input.followers,
      followerCount: input.followerCount,
      blocked: input.blocked,
      webhookUrl: input.webhookUrl,
      retryAfterHeader: input.retryAfterHeader,
    }),
    botInfo: { ...base.botInfo, ...definedOnly(input.botInfo ?? {}) },
    rateLimits: input.rateLimits !== undefined ? { ...input.rateLimits } : base.rateLimits,
    faults:
      input.faults !== undefined
        ? { ...NO_FAULTS, ...definedOnly(input.faults), script: [...(input.faults.script ?? [])] }
        : base.faults,
    channelId,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/** Reads a control-API channel body; unknown properties are refused so a typo can't pass silently. */
export function parseChannelInput(body: unknown, { requireToken }: { requireToken: boolean }): Parsed<ChannelInput> {
  const errors: string[] = [];
  if (!isRecord(body)) return { ok: false, errors: ['body must be a JSON object'] };
  const known = new Set([
    'channelId',
    'accessToken',
    'channelSecret',
    'quota',
    'consumption',
    'followers',
    'followerCount',
    'blocked',
    'webhookUrl',
    'botInfo',
    'rateLimits',
    'retryAfterHeader',
    'faults',
  ]);
  for (const key of Object.keys(body)) if (!known.has(key)) errors.push(`unknown property ${key}`);

  const input: ChannelInput = {};
  if (body.accessToken !== undefined || requireToken) {
    if (typeof body.accessToken !== 'string' || body.accessToken.length === 0)
      errors.push('accessToken must be a non-empty string');
    else input.accessToken = body.accessToken;
  }
  if (body.channelSecret !== undefined) {
    if (typeof body.channelSecret !== 'string' || body.channelSecret.length === 0)
      errors.push('channelSecret must be a non-empty string');
    else input.channelSecret = body.channelSecret;
  }
  if (body.quota !== undefined) {
    const quota = parseQuota(body.quota);
    if (quota.ok) input.quota = quota.value;
    else errors.push(...quota.errors);
  }
  if (body.consumption !== undefined) {
    if (!isCount(body.consumption)) errors.push('consumption must be a non-negative integer');
    else input.consumption = body.consumption;
  }
  if (body.followerCount !== undefined) {
    if (!isCount(body.followerCount) || body.followerCount > 5_000_000)
      errors.push('followerCount must be an integer from 0 to 5000000');
    else input.followerCount = body.followerCount;
  }
  for (const key of ['followers', 'blocked'] as const) {
    if (body[key] === undefined) continue;
    const ids = parseUserIds(body[key], key);
    if (ids.ok) input[key] = ids.value;
    else errors.push(...ids.errors);
  }
  if (body.webhookUrl !== undefined) {
    if (body.webhookUrl === null || isHttpUrl(body.webhookUrl)) input.webhookUrl = body.webhookUrl;
    else errors.push('webhookUrl must be an http(s) URL or null');
  }
  if (body.botInfo !== undefined) {
    const botInfo = parseBotInfo(body.botInfo);
    if (botInfo.ok) input.botInfo = botInfo.value;
    else errors.push(...botInfo.errors);
  }
  if (body.rateLimits !== undefined) {
    const limits = parseRateLimitOverrides(body.rateLimits);
    if (limits.ok) input.rateLimits = limits.value;
    else errors.push(...limits.errors);
  }
  if (body.retryAfterHeader !== undefined) {
    if (body.retryAfterHeader !== null && typeof body.retryAfterHeader !== 'boolean')
      errors.push('retryAfterHeader must be a boolean or null');
    else input.retryAfterHeader = body.retryAfterHeader;
  }
  if (body.faults !== undefined) {
    const faults = parseFaults(body.faults);
    if (faults.ok) input.faults = faults.value;
    else errors.push(...faults.errors);
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: input };
}

export function parseQuota(value: unknown): Parsed<Quota> {
  if (isRecord(value) && value.type === 'none') return { ok: true, value: { type: 'none' } };
  if (isRecord(value) && value.type === 'limited' && isCount(value.value))
    return { ok: true, value: { type: 'limited', value: value.value } };
  return { ok: false, errors: ['quota must be {"type":"none"} or {"type":"limited","value":<non-negative integer>}'] };
}

export function parseUserIds(value: unknown, name: string): Parsed<string[]> {
  if (!Array.isArray(value)) return { ok: false, errors: [`${name} must be an array of user ids`] };
  const bad = value.filter((id) => !isLineUserId(id));
  if (bad.length)
    return {
      ok: false,
      errors: [
        `${name} has ${bad.length} invalid user id(s), e.g. ${JSON.stringify(bad[0])}; a user id is U and 32 lowercase hex digits`,
      ],
    };
  return { ok: true, value: value as string[] };
}

function parseBotInfo(value: unknown): Parsed<Partial<BotInfo>> {
  if (!isRecord(value)) return { ok: false, errors: ['botInfo must be an object'] };
  const errors: string[] = [];
  const info: Partial<BotInfo> = {};
  for (const key of ['userId', 'basicId', 'premiumId', 'displayName', 'pictureUrl'] as const) {
    if (value[key] === undefined) continue;
    if (typeof value[key] !== 'string') errors.push(`botInfo.${key} must be a string`);
    else info[key] = value[key];
  }
  if (value.chatMode !== undefined) {
    if (value.chatMode !== 'chat' && value.chatMode !== 'bot') errors.push('botInfo.chatMode must be chat or bot');
    else info.chatMode = value.chatMode;
  }
  if (value.markAsReadMode !== undefined) {
    if (value.markAsReadMode !== 'auto' && value.markAsReadMode !== 'manual')
      errors.push('botInfo.markAsReadMode must be auto or manual');
    else info.markAsReadMode = value.markAsReadMode;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: info };
}

export function parseRateLimitOverrides(value: unknown): Parsed<RateLimitOverrides> {
  if (!isRecord(value))
    return {
      ok: false,
      errors: ['rate limits must be an object keyed by push, multicast, broadcast, narrowcast, other'],
    };
  const errors: string[] = [];
  const limits: RateLimitOverrides = {};
  for (const [key, rule] of Object.entries(value)) {
    if (!(RATE_LIMIT_GROUPS as readonly string[]).includes(key)) {
      errors.push(`unknown rate limit group ${key}; use ${RATE_LIMIT_GROUPS.join(', ')}`);
      continue;
    }
    if (rule === null) {
      limits[key as RateLimitGroup] = null;
    } else if (isRecord(rule) && isCount(rule.limit) && isCount(rule.windowMs) && rule.windowMs > 0) {
      limits[key as RateLimitGroup] = { limit: rule.limit, windowMs: rule.windowMs };
    } else {
      errors.push(`rate limit ${key} must be null or {"limit": <integer>=0>, "windowMs": <integer>0>}`);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: limits };
}

export function parseFaults(value: unknown): Parsed<Partial<FaultConfig>> {
  if (!isRecord(value)) return { ok: false, errors: ['faults must be an object'] };
  const errors: string[] = [];
  const faults: Partial<FaultConfig> = {};
  const known = new Set([
    'serverErrorRate',
    'serverErrorStatus',
    'lostResponseRate',
    'latencyMs',
    'latencyJitterMs',
    'endpoints',
    'script',
    'seed',
    'repeatFollowersCursor',
  ]);
  for (const key of Object.keys(value)) if (!known.has(key)) errors.push(`unknown fault property ${key}`);
  for (const key of ['serverErrorRate', 'lostResponseRate'] as const) {
    if (value[key] === undefined) continue;
    const rate = value[key];
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) errors.push(`${key} must be a number from 0 to 1`);
    else faults[key] = rate;
  }
  for (const key of ['latencyMs', 'latencyJitterMs'] as const) {
    if (value[key] === undefined) continue;
    const ms = value[key];
    if (!isCount(ms) || ms > 600_000) errors.push(`${key} must be an integer from 0 to 600000`);
    else faults[key] = ms;
  }
  if (value.serverErrorStatus !== undefined) {
    if (!isServerErrorStatus(value.serverErrorStatus))
      errors.push('serverErrorStatus must be an integer from 500 to 599');
    else faults.serverErrorStatus = value.serverErrorStatus;
  }
  if (value.endpoints !== undefined) {
    if (value.endpoints === null) faults.endpoints = null;
    else if (Array.isArray(value.endpoints) && value.endpoints.every(isLineEndpoint))
      faults.endpoints = value.endpoints as LineEndpoint[];
    else errors.push('endpoints must be null or an array of endpoint names (push, multicast, broadcast, quota, ...)');
  }
  if (value.script !== undefined) {
    const steps = Array.isArray(value.script) ? value.script.map(parseFaultStep) : [null];
    if (steps.some((step) => step === null))
      errors.push(
        'script must be an array of "ok", "server_error", "lost_response", {"kind":"server_error","status":5xx} or {"kind":"latency","ms":n}',
      );
    else faults.script = steps as FaultStep[];
  }
  if (value.repeatFollowersCursor !== undefined) {
    if (typeof value.repeatFollowersCursor !== 'boolean') errors.push('repeatFollowersCursor must be true or false');
    else faults.repeatFollowersCursor = value.repeatFollowersCursor;
  }
  if (value.seed !== undefined) {
    if (value.seed !== null && typeof value.seed !== 'number' && typeof value.seed !== 'string')
      errors.push('seed must be a number, a string or null');
    else faults.seed = value.seed;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: faults };
}

function parseFaultStep(step: unknown): FaultStep | null {
  if (step === 'ok' || step === 'server_error' || step === 'lost_response') return step;
  if (isRecord(step) && step.kind === 'server_error' && isServerErrorStatus(step.status))
    return { kind: 'server_error', status: step.status };
  if (isRecord(step) && step.kind === 'latency' && isCount(step.ms)) return { kind: 'latency', ms: step.ms };
  return null;
}

function isServerErrorStatus(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 500 && (value as number) <= 599;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
