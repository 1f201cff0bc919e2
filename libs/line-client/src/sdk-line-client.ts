import { inspect } from 'node:util';
import { HTTPFetchError, insight, messagingApi } from '@line/bot-sdk';
import { DeadlineExceeded, withDeadline } from './fetch-deadline';
import type {
  BroadcastRequest,
  LineAggregationUnitUsage,
  LineUnitStatistics,
  LineBotInfo,
  LineClient,
  LineClientConfig,
  LineConsumption,
  LineDeliveryCount,
  LineDeliveryKind,
  LineEndpointName,
  LineFollowerPage,
  LineMessageObject,
  LineQuota,
  LineValidateKind,
  MulticastRequest,
  PushRequest,
  PushResult,
} from './line-client';
import type {
  LineErrorDetail,
  LineFailure,
  LineOutcome,
  LineOutcomeKind,
  LineSendOutcome,
  LineSentMessage,
} from './outcomes';

export const LINE_API_BASE_URL = 'https://api.line.me';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRY_AFTER_MS = 1_000;

const MONTHLY_LIMIT = /monthly limit/i;

type HttpInfo<T> = { httpResponse: Response; body: T };
type Empty = Record<string, never>;

/** Creates the client for one channel, over `@line/bot-sdk`'s MessagingApiClient. */
export function createLineClient(config: LineClientConfig): LineClient {
  return new SdkLineClient(config);
}

/**
 * LineClient over `messagingApi.MessagingApiClient`, using its `...WithHttpInfo` methods for the
 * status and headers. The access token is held only in private fields (not shown by inspect or
 * JSON) and is scrubbed from every message an outcome carries.
 */
export class SdkLineClient implements LineClient {
  readonly baseUrl: string;
  readonly #sdk: messagingApi.MessagingApiClient;
  readonly #insight: insight.InsightClient;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #defaultRetryAfterMs: number;
  readonly #onCall: LineClientConfig['onCall'];

  constructor(config: LineClientConfig) {
    if (!config.channelAccessToken) throw new Error('a channel access token is required');
    this.baseUrl = (config.baseUrl ?? LINE_API_BASE_URL).replace(/\/+$/, '');
    this.#token = config.channelAccessToken;
    this.#timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#defaultRetryAfterMs = config.defaultRetryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    this.#onCall = config.onCall;
    this.#sdk = new messagingApi.MessagingApiClient({
      channelAccessToken: config.channelAccessToken,
      baseURL: this.baseUrl,
    });
    this.#insight = new insight.InsightClient({ channelAccessToken: config.channelAccessToken, baseURL: this.baseUrl });
  }

  push(request: PushRequest): Promise<LineSendOutcome<PushResult>> {
    const body: messagingApi.PushMessageRequest = {
      to: request.to,
      messages: asSdkMessages(request.messages),
      notificationDisabled: request.notificationDisabled,
    };
    return this.#send(
      'push',
      () => this.#sdk.pushMessageWithHttpInfo(body, request.retryKey),
      (response) => ({
        sentMessages: (response.sentMessages ?? []).map((sent): LineSentMessage => ({
          id: String(sent.id),
          ...(sent.quoteToken ? { quoteToken: sent.quoteToken } : {}),
        })),
      }),
    );
  }

  multicast(request: MulticastRequest): Promise<LineSendOutcome<Empty>> {
    const body: messagingApi.MulticastRequest = {
      to: [...request.to],
      messages: asSdkMessages(request.messages),
      notificationDisabled: request.notificationDisabled,
      ...(request.aggregationUnit ? { customAggregationUnits: [request.aggregationUnit] } : {}),
    };
    return this.#send(
      'multicast',
      () => this.#sdk.multicastWithHttpInfo(body, request.retryKey),
      () => ({}),
    );
  }

  broadcast(request: BroadcastRequest): Promise<LineSendOutcome<Empty>> {
    const body: messagingApi.BroadcastRequest = {
      messages: asSdkMessages(request.messages),
      notificationDisabled: request.notificationDisabled,
    };
    return this.#send(
      'broadcast',
      () => this.#sdk.broadcastWithHttpInfo(body, request.retryKey),
      () => ({}),
    );
  }

  getQuota(): Promise<LineOutcome<LineQuota>> {
    return this.#read(
      'quota',
      () => this.#sdk.getMessageQuotaWithHttpInfo(),
      (quota): LineQuota =>
        quota.type === 'limited' ? { type: 'limited', value: Number(quota.value ?? 0) } : { type: 'none' },
    );
  }

  getConsumption(): Promise<LineOutcome<LineConsumption>> {
    return this.#read(
      'consumption',
      () => this.#sdk.getMessageQuotaConsumptionWithHttpInfo(),
      (consumption) => ({ totalUsage: Number(consumption.totalUsage) }),
    );
  }

  getFollowerIds(page: { start?: string; limit?: number } = {}): Promise<LineOutcome<LineFollowerPage>> {
    return this.#read(
      'followers',
      () => this.#sdk.getFollowersWithHttpInfo(page.start, page.limit),
      (followers) => ({ userIds: followers.userIds ?? [], next: followers.next ?? null }),
    );
  }

  getBotInfo(): Promise<LineOutcome<LineBotInfo>> {
    return this.#read(
      'bot_info',
      () => this.#sdk.getBotInfoWithHttpInfo(),
      (info) => info,
    );
  }

  getDeliveryCount(kind: LineDeliveryKind, date: string): Promise<LineOutcome<LineDeliveryCount>> {
    const call =
      kind === 'multicast'
        ? () => this.#sdk.getNumberOfSentMulticastMessagesWithHttpInfo(date)
        : () => this.#sdk.getNumberOfSentPushMessagesWithHttpInfo(date);
    return this.#read(`delivery_${kind}`, call, (count): LineDeliveryCount => ({
      status: count.status,
      success: count.status === 'ready' && count.success !== undefined ? Number(count.success) : null,
    }));
  }

  getAggregationUnitUsage(): Promise<LineOutcome<LineAggregationUnitUsage>> {
    return this.#read(
      'aggregation_info',
      () => this.#sdk.getAggregationUnitUsageWithHttpInfo(),
      (usage) => ({ used: Number(usage.numOfCustomAggregationUnits ?? 0) }),
    );
  }

  getStatisticsPerUnit(unit: string, from: string, to: string): Promise<LineOutcome<LineUnitStatistics>> {
    return this.#read(
      'statistics_per_unit',
      () => this.#insight.getStatisticsPerUnitWithHttpInfo(unit, from, to),
      (stats) => ({
        uniqueImpression: countOrNull(stats.overview?.uniqueImpression),
        uniqueClick: countOrNull(stats.overview?.uniqueClick),
        uniqueMediaPlayed: countOrNull(stats.overview?.uniqueMediaPlayed),
        uniqueMediaPlayed100Percent: countOrNull(stats.overview?.uniqueMediaPlayed100Percent),
      }),
    );
  }

  validateMessages(kind: LineValidateKind, messages: readonly LineMessageObject[]): Promise<LineOutcome<Empty>> {
    const body: messagingApi.ValidateMessageRequest = { messages: asSdkMessages(messages) };
    const call = {
      push: () => this.#sdk.validatePushWithHttpInfo(body),
      multicast: () => this.#sdk.validateMulticastWithHttpInfo(body),
      broadcast: () => this.#sdk.validateBroadcastWithHttpInfo(body),
      narrowcast: () => this.#sdk.validateNarrowcastWithHttpInfo(body),
      reply: () => this.#sdk.validateReplyWithHttpInfo(body),
    }[kind];
    return this.#read(`validate_${kind}`, call, () => ({}));
  }

  /** Shown instead of the fields when the client is logged or inspected. */
  toJSON(): { baseUrl: string } {
    return { baseUrl: this.baseUrl };
  }

  [inspect.custom](): string {
    return `LineClient { baseUrl: '${this.baseUrl}' }`;
  }

  #send<B, T>(
    endpoint: LineEndpointName,
    call: () => Promise<HttpInfo<B>>,
    toValue: (body: B) => T,
  ): Promise<LineSendOutcome<T>> {
    return this.#observed(endpoint, async (): Promise<LineSendOutcome<T>> => {
      try {
        const { httpResponse, body } = await withDeadline(this.#timeoutMs, call);
        return { kind: 'accepted', requestId: requestIdOf(httpResponse.headers), value: toValue(body ?? ({} as B)) };
      } catch (error) {
        if (error instanceof HTTPFetchError && error.status === 409) {
          const acceptedRequestId = error.headers.get('x-line-accepted-request-id');
          if (acceptedRequestId) {
            const parsed = parseErrorBody(error.body);
            return {
              kind: 'duplicate_accepted',
              requestId: requestIdOf(error.headers),
              acceptedRequestId,
              ...(parsed.sentMessages ? { sentMessages: parsed.sentMessages } : {}),
            };
          }
        }
        return this.#failure(error);
      }
    });
  }

  #read<B, T>(
    endpoint: LineEndpointName,
    call: () => Promise<HttpInfo<B>>,
    toValue: (body: B) => T,
  ): Promise<LineOutcome<T>> {
    return this.#observed(endpoint, async (): Promise<LineOutcome<T>> => {
      try {
        const { httpResponse, body } = await withDeadline(this.#timeoutMs, call);
        return { kind: 'accepted', requestId: requestIdOf(httpResponse.headers), value: toValue(body ?? ({} as B)) };
      } catch (error) {
        return this.#failure(error);
      }
    });
  }

  async #observed<O extends { kind: LineOutcomeKind }>(endpoint: LineEndpointName, call: () => Promise<O>): Promise<O> {
    if (!this.#onCall) return call();
    const started = performance.now();
    const outcome = await call();
    this.#onCall({ endpoint, outcome: outcome.kind, durationMs: performance.now() - started });
    return outcome;
  }

  /** Turns whatever a call threw into an outcome; every text it keeps is scrubbed of the token. */
  #failure(error: unknown): LineFailure {
    if (error instanceof DeadlineExceeded || isAbort(error)) return { kind: 'timeout', timeoutMs: this.#timeoutMs };
    if (!(error instanceof HTTPFetchError)) {
      // fetch's errors come from Node's own realm, so they are read by shape, not `instanceof`.
      const cause = errorLike(error)?.cause;
      const code = errorCode(cause) ?? errorCode(error);
      const message = [errorLike(error)?.message ?? String(error), errorLike(cause)?.message]
        .filter(Boolean)
        .join(': ');
      return { kind: 'network_error', message: this.#scrub(message), code };
    }

    const requestId = requestIdOf(error.headers);
    const parsed = parseErrorBody(error.body);
    const message = this.#scrub(parsed.message ?? (error.statusText || `HTTP ${error.status}`));
    if (error.status === 429) {
      if (MONTHLY_LIMIT.test(parsed.message ?? '')) return { kind: 'monthly_limit', requestId, message };
      return {
        kind: 'rate_limited',
        requestId,
        message,
        retryAfterMs: retryAfterMs(error.headers.get('retry-after')) ?? this.#defaultRetryAfterMs,
      };
    }
    if (error.status === 401 || error.status === 403)
      return { kind: 'unauthorized', status: error.status, requestId, message };
    if (error.status >= 500)
      return {
        kind: 'server_error',
        status: error.status,
        requestId,
        message: parsed.message === undefined ? null : message,
      };
    const details = (parsed.details ?? []).map((detail) => ({
      ...(detail.message !== undefined ? { message: this.#scrub(detail.message) } : {}),
      ...(detail.property !== undefined ? { property: detail.property } : {}),
    }));
    return { kind: 'rejected_input', status: error.status, requestId, message, details };
  }

  #scrub(text: string): string {
    return text.split(this.#token).join('[redacted]');
  }
}

function asSdkMessages(messages: readonly LineMessageObject[]): messagingApi.Message[] {
  // The SDK's types list LINE's message shapes; LINE (or the simulator) checks the objects themselves.
  return [...messages] as messagingApi.Message[];
}

/** LINE's null (under 20, or withheld) stays null; it is never read as 0. */
function countOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function requestIdOf(headers: Headers): string | null {
  return headers.get('x-line-request-id');
}

function parseErrorBody(body: string): {
  message?: string;
  details?: LineErrorDetail[];
  sentMessages?: LineSentMessage[];
} {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const record = parsed as Record<string, unknown>;
    return {
      message: typeof record.message === 'string' ? record.message : undefined,
      details: Array.isArray(record.details)
        ? (record.details.filter((d) => typeof d === 'object' && d !== null) as LineErrorDetail[])
        : undefined,
      sentMessages: Array.isArray(record.sentMessages) ? (record.sentMessages as LineSentMessage[]) : undefined,
    };
  } catch {
    return {};
  }
}

/** `Retry-After` as seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface ErrorLike {
  name?: unknown;
  message?: string;
  code?: unknown;
  cause?: unknown;
}

function errorLike(value: unknown): ErrorLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, message, code, cause } = value as Record<string, unknown>;
  return { name, message: typeof message === 'string' ? message : undefined, code, cause };
}

function isAbort(error: unknown): boolean {
  const name = errorLike(error)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

function errorCode(error: unknown): string | null {
  const code = errorLike(error)?.code;
  return typeof code === 'string' ? code : null;
}
