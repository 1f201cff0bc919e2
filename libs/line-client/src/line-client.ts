import type { messagingApi } from '@line/bot-sdk';
import type { LineOutcome, LineOutcomeKind, LineSendOutcome, LineSentMessage } from './outcomes';

/** A message object as LINE defines it (`{type: "text", text: "..."}`); checked by LINE, not here. */
export type LineMessageObject = messagingApi.Message | ({ type: string } & Record<string, unknown>);

export interface PushRequest {
  /** A user, group or room id. */
  to: string;
  /** 1 to 5 message objects. */
  messages: readonly LineMessageObject[];
  /** A UUID, the same on every retry of this request (LINE remembers accepted keys for 24 h). */
  retryKey?: string;
  notificationDisabled?: boolean;
}

export interface MulticastRequest {
  /** 1 to 500 user ids. */
  to: readonly string[];
  messages: readonly LineMessageObject[];
  retryKey?: string;
  notificationDisabled?: boolean;
  /** LINE's aggregation unit (`customAggregationUnits: [unit]`), `^[a-zA-Z0-9_]{1,30}$`; its statistics are read by name. */
  aggregationUnit?: string;
}

export interface BroadcastRequest {
  messages: readonly LineMessageObject[];
  retryKey?: string;
  notificationDisabled?: boolean;
}

export interface PushResult {
  sentMessages: LineSentMessage[];
}

/** `GET /v2/bot/message/quota`: `value` is the free messages plus the additional-message cap set at LINE. */
export type LineQuota = { type: 'none' } | { type: 'limited'; value: number };

/** `GET /v2/bot/message/quota/consumption`: messages sent this month (LINE calls it approximate). */
export interface LineConsumption {
  totalUsage: number;
}

export interface LineFollowerPage {
  userIds: string[];
  /** Pass as `start` for the next page; null on the last page. */
  next: string | null;
}

export type LineBotInfo = messagingApi.BotInfoResponse;

/** Which traffic a delivery count is of. */
export type LineDeliveryKind = 'multicast' | 'push';

/**
 * `GET /v2/bot/message/delivery/{multicast,push}?date=`: messages LINE counted on one day (UTC+9);
 * `success` only when ready.
 */
export interface LineDeliveryCount {
  status: 'ready' | 'unready' | 'unavailable_for_privacy' | 'out_of_service';
  success: number | null;
}

/** `GET /v2/bot/message/aggregation/info`: unit names this channel used this month (LINE allows 1,000). */
export interface LineAggregationUnitUsage {
  used: number;
}

/**
 * `GET /v2/bot/insight/message/event/aggregation`'s overview: users who opened, clicked, played.
 * LINE answers null for a count under 20 (privacy), which is not zero.
 */
export interface LineUnitStatistics {
  uniqueImpression: number | null;
  uniqueClick: number | null;
  uniqueMediaPlayed: number | null;
  uniqueMediaPlayed100Percent: number | null;
}

export type LineValidateKind = 'push' | 'multicast' | 'broadcast' | 'narrowcast' | 'reply';

/**
 * The one place that talks to LINE's Messaging API for a channel. Every call resolves (never
 * rejects for anything LINE or the network does) to an outcome the caller can act on.
 */
export interface LineClient {
  /** LINE's base URL this client talks to (LINE itself, or a simulator). */
  readonly baseUrl: string;
  push(request: PushRequest): Promise<LineSendOutcome<PushResult>>;
  multicast(request: MulticastRequest): Promise<LineSendOutcome<Record<string, never>>>;
  broadcast(request: BroadcastRequest): Promise<LineSendOutcome<Record<string, never>>>;
  getQuota(): Promise<LineOutcome<LineQuota>>;
  getConsumption(): Promise<LineOutcome<LineConsumption>>;
  getFollowerIds(page?: { start?: string; limit?: number }): Promise<LineOutcome<LineFollowerPage>>;
  getBotInfo(): Promise<LineOutcome<LineBotInfo>>;
  /** What LINE counted of one kind of traffic on `date` (`yyyyMMdd`, UTC+9). */
  getDeliveryCount(kind: LineDeliveryKind, date: string): Promise<LineOutcome<LineDeliveryCount>>;
  getAggregationUnitUsage(): Promise<LineOutcome<LineAggregationUnitUsage>>;
  /** `from` and `to` are LINE's dates (yyyyMMdd, UTC+9), at most 30 days apart. */
  getStatisticsPerUnit(unit: string, from: string, to: string): Promise<LineOutcome<LineUnitStatistics>>;
  /** LINE's own check of message objects, as for a send of this kind; nothing is sent. */
  validateMessages(
    kind: LineValidateKind,
    messages: readonly LineMessageObject[],
  ): Promise<LineOutcome<Record<string, never>>>;
}

export interface LineClientConfig {
  channelAccessToken: string;
  /** LINE's API (`https://api.line.me`) when null or left out; otherwise e.g. the simulator's URL. */
  baseUrl?: string | null;
  /** Per call, connection to last byte. Default 10 s. */
  timeoutMs?: number;
  /** Wait suggested after a rate-limit 429 without `Retry-After` (LINE sends none). Default 1 s. */
  defaultRetryAfterMs?: number;
  /** Told about every call once it has its outcome (for metrics); it must not throw. */
  onCall?: (call: LineCallRecord) => void;
}

/** Which LINE endpoint a call went to, named as LINE's rate-limit table groups them. */
export type LineEndpointName =
  | 'push'
  | 'multicast'
  | 'broadcast'
  | 'quota'
  | 'consumption'
  | 'followers'
  | 'bot_info'
  | 'delivery_multicast'
  | 'delivery_push'
  | 'aggregation_info'
  | 'statistics_per_unit'
  | `validate_${LineValidateKind}`;

export interface LineCallRecord {
  endpoint: LineEndpointName;
  outcome: LineOutcomeKind;
  durationMs: number;
}

export type LineClientFactory = (config: LineClientConfig) => LineClient;
