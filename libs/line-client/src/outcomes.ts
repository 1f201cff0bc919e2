/** One problem LINE found in a request: `property` is a JSON path such as `messages[0].text`. */
export interface LineErrorDetail {
  message?: string;
  property?: string;
}

export interface LineSentMessage {
  id: string;
  quoteToken?: string;
}

/** LINE took the request. `requestId` is LINE's `X-Line-Request-Id` (null only if a proxy dropped it). */
export interface Accepted<T> {
  kind: 'accepted';
  requestId: string | null;
  value: T;
}

/** A retry of a request LINE had already accepted (409 on a reused `X-Line-Retry-Key`): nothing was sent again. */
export interface DuplicateAccepted {
  kind: 'duplicate_accepted';
  requestId: string | null;
  /** The request id of the attempt LINE accepted earlier (`X-Line-Accepted-Request-Id`). */
  acceptedRequestId: string;
  /** Push only: the message ids of the accepted attempt. */
  sentMessages?: LineSentMessage[];
}

/** 429 for too many requests: retry the same request after `retryAfterMs`. */
export interface RateLimited {
  kind: 'rate_limited';
  requestId: string | null;
  /** From `Retry-After` when LINE sends one, else the client's default. */
  retryAfterMs: number;
  message: string;
}

/** 429 "You have reached your monthly limit.": nothing in the request was sent; stop the run. */
export interface MonthlyLimit {
  kind: 'monthly_limit';
  requestId: string | null;
  message: string;
}

/** 4xx for something in the request (bad message object, recipient, retry key): never retry as is. */
export interface RejectedInput {
  kind: 'rejected_input';
  status: number;
  requestId: string | null;
  message: string;
  details: LineErrorDetail[];
}

/** 401 (bad or expired token) or 403 (API not available to this channel). */
export interface Unauthorized {
  kind: 'unauthorized';
  status: number;
  requestId: string | null;
  message: string;
}

/** 5xx: the request may or may not have taken effect; retry with the same retry key. */
export interface ServerError {
  kind: 'server_error';
  status: number;
  requestId: string | null;
  message: string | null;
}

/** No answer within the time-out: the request may have taken effect; retry with the same retry key. */
export interface TimedOut {
  kind: 'timeout';
  timeoutMs: number;
}

/** The connection failed or was reset (possibly after LINE took the request); retry with the same retry key. */
export interface NetworkError {
  kind: 'network_error';
  message: string;
  code: string | null;
}

export type LineFailure =
  RateLimited | MonthlyLimit | RejectedInput | Unauthorized | ServerError | TimedOut | NetworkError;

/** What a read (quota, consumption, followers, bot info, validation) comes to. */
export type LineOutcome<T> = Accepted<T> | LineFailure;

/** What a send (push, multicast, broadcast) comes to: a read's outcomes plus `duplicate_accepted`. */
export type LineSendOutcome<T> = Accepted<T> | DuplicateAccepted | LineFailure;

export type LineOutcomeKind = (LineSendOutcome<unknown> | LineOutcome<unknown>)['kind'];

/** LINE has the request (now or from an earlier attempt): the recipients are served. */
export function isAcceptedOutcome<T>(
  outcome: LineSendOutcome<T> | LineOutcome<T>,
): outcome is Accepted<T> | DuplicateAccepted {
  return outcome.kind === 'accepted' || outcome.kind === 'duplicate_accepted';
}

/**
 * Worth retrying, with the same retry key for sends: 5xx, time-outs and network errors (the
 * request may have taken effect, the key makes the retry safe) and rate limits (after the wait).
 * Never the other 4xx, and never the monthly limit.
 */
export function isRetryableOutcome(
  outcome: LineSendOutcome<unknown> | LineOutcome<unknown>,
): outcome is ServerError | TimedOut | NetworkError | RateLimited {
  return (
    outcome.kind === 'server_error' ||
    outcome.kind === 'timeout' ||
    outcome.kind === 'network_error' ||
    outcome.kind === 'rate_limited'
  );
}

/** A one-line description for logs; it carries no credentials (outcomes never hold the token). */
export function describeOutcome(outcome: LineSendOutcome<unknown> | LineOutcome<unknown>): string {
  switch (outcome.kind) {
    case 'accepted':
      return `accepted (request ${outcome.requestId ?? 'unknown'})`;
    case 'duplicate_accepted':
      return `already accepted as request ${outcome.acceptedRequestId}`;
    case 'rate_limited':
      return `rate limited; retry after ${outcome.retryAfterMs} ms`;
    case 'monthly_limit':
      return `monthly limit reached: ${outcome.message}`;
    case 'rejected_input':
      return `rejected (${outcome.status}): ${outcome.message}${outcome.details.length ? ` [${outcome.details.map((d) => `${d.property ?? '?'}: ${d.message ?? '?'}`).join('; ')}]` : ''}`;
    case 'unauthorized':
      return `unauthorized (${outcome.status}): ${outcome.message}`;
    case 'server_error':
      return `LINE server error ${outcome.status}${outcome.message ? `: ${outcome.message}` : ''}`;
    case 'timeout':
      return `no answer within ${outcome.timeoutMs} ms`;
    case 'network_error':
      return `network error${outcome.code ? ` ${outcome.code}` : ''}: ${outcome.message}`;
  }
}
