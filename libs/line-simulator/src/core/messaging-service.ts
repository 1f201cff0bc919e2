import { createHash } from 'node:crypto';
import {
  isLinePushTargetId,
  isLineUserId,
  lineBadRequestBody,
  LineMessageProblem,
  MAX_MULTICAST_RECIPIENTS,
  validateLineMessages,
  validateMessageCount,
} from '@lcm/domain/line-messages';
import { isRecord } from './channel-settings';
import { aggregationUnitOf, unitLimitProblem } from './insight';
import type { SendEndpoint } from './endpoints';
import type { RequestOutcome } from './request-log';
import type { SentMessage } from './retry-keys';
import type { SimChannel } from './sim-channel';

/** What the simulator answers to one API call, and what the request log should say about it. */
export interface ApiReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  outcome: RequestOutcome;
  recipients?: number;
  delivered?: number;
  counted?: number;
}

export interface SendCall {
  channel: SimChannel;
  body: unknown;
  retryKey: string | null;
  requestId: string;
  now: number;
}

export const MONTHLY_LIMIT_MESSAGE = 'You have reached your monthly limit.';
export const RETRY_KEY_ACCEPTED_MESSAGE = 'The retry key is already accepted';

/** Message types that LINE can quote, for which a push answers with a `quoteToken`. */
const QUOTABLE_TYPES = new Set(['text', 'textV2', 'sticker', 'image', 'video']);

const FOLLOWERS_DEFAULT_LIMIT = 300;
const FOLLOWERS_MAX_LIMIT = 1000;

/**
 * The Messaging API's behaviour, independent of HTTP: checks a request as LINE does, then counts
 * and delivers. Counting: one message per delivered recipient per request; blocked and unknown
 * recipients are accepted but neither delivered nor counted; a request that would pass the month's
 * limit is refused whole (429) and delivers nothing; a repeat of an accepted retry key gets 409.
 */
export class MessagingService {
  push(call: SendCall): ApiReply {
    const problems = this.checkSendBody(call.body, 'push');
    if (problems.length) return invalid(problems, 1);
    const body = call.body as { to: string; messages: Record<string, unknown>[] };
    const duplicate = this.duplicateOf(call, 1);
    if (duplicate) return duplicate;
    return this.withAggregationUnit(call, 1, () => this.deliver(call, 'push', [body.to], body.messages));
  }

  multicast(call: SendCall): ApiReply {
    const recipientCount = isRecord(call.body) && Array.isArray(call.body.to) ? call.body.to.length : undefined;
    const problems = this.checkSendBody(call.body, 'multicast');
    if (problems.length) return invalid(problems, recipientCount);
    const body = call.body as { to: string[]; messages: Record<string, unknown>[] };
    const duplicate = this.duplicateOf(call, body.to.length);
    if (duplicate) return duplicate;
    return this.withAggregationUnit(call, body.to.length, () =>
      this.deliver(call, 'multicast', body.to, body.messages),
    );
  }

  broadcast(call: SendCall): ApiReply {
    const problems = this.checkSendBody(call.body, 'broadcast');
    if (problems.length) return invalid(problems);
    const body = call.body as { messages: Record<string, unknown>[] };
    const followers = call.channel.audience.followers();
    const duplicate = this.duplicateOf(call, followers.length);
    if (duplicate) return duplicate;
    return this.deliver(call, 'broadcast', followers, body.messages);
  }

  /** `POST /v2/bot/message/validate/*`: the same message checks as a send, and nothing else. */
  validate(body: unknown): ApiReply {
    if (!isRecord(body)) return invalid([{ property: 'messages', message: 'must be specified' }]);
    const problems = messageProblems(body.messages);
    return problems.length ? invalid(problems) : { status: 200, body: {}, outcome: 'ok' };
  }

  quota(channel: SimChannel): ApiReply {
    const quota = channel.quota;
    return {
      status: 200,
      body: quota.type === 'limited' ? { type: 'limited', value: quota.value } : { type: 'none' },
      outcome: 'ok',
    };
  }

  consumption(channel: SimChannel): ApiReply {
    return { status: 200, body: { totalUsage: channel.usedThisMonth() }, outcome: 'ok' };
  }

  /** `GET /v2/bot/followers/ids`: `limit` 1..1000 (default 300), `start` a continuation token from `next`. */
  followers(channel: SimChannel, query: Record<string, unknown>): ApiReply {
    const limit = query.limit === undefined ? FOLLOWERS_DEFAULT_LIMIT : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > FOLLOWERS_MAX_LIMIT) {
      return invalid([{ property: 'limit', message: `must be between 1 and ${FOLLOWERS_MAX_LIMIT}` }]);
    }
    const offset = query.start === undefined ? 0 : decodeContinuationToken(query.start);
    if (offset === null) return invalid([{ property: 'start', message: 'invalid continuation token' }]);
    const page = channel.audience.page(offset, limit);
    const body: { userIds: string[]; next?: string } = { userIds: page.userIds };
    if (page.nextOffset !== null)
      body.next =
        channel.faults.repeatsFollowersCursor && typeof query.start === 'string'
          ? query.start // the injected fault: the same page, and the same token, for ever
          : encodeContinuationToken(page.nextOffset);
    return { status: 200, body, outcome: 'ok' };
  }

  botInfo(channel: SimChannel): ApiReply {
    return { status: 200, body: { ...channel.settings.botInfo }, outcome: 'ok' };
  }

  private checkSendBody(body: unknown, endpoint: SendEndpoint): LineMessageProblem[] {
    if (!isRecord(body)) return [{ property: 'body', message: 'must be a JSON object' }];
    const problems: LineMessageProblem[] = [];
    if (endpoint === 'push') {
      if (body.to === undefined || body.to === null) problems.push({ property: 'to', message: 'must be specified' });
      else if (!isLinePushTargetId(body.to))
        problems.push({ property: 'to', message: 'must be a valid user, group or room ID' });
    }
    if (endpoint === 'multicast') problems.push(...multicastRecipientProblems(body.to));
    problems.push(...messageProblems(body.messages));
    if (body.notificationDisabled !== undefined && typeof body.notificationDisabled !== 'boolean') {
      problems.push({ property: 'notificationDisabled', message: 'must be a boolean' });
    }
    if (endpoint !== 'broadcast' && body.customAggregationUnits !== undefined)
      problems.push(...aggregationUnitProblems(body.customAggregationUnits));
    return problems;
  }

  /**
   * A send naming an aggregation unit: a new name past the month's 1,000 is refused (400) and
   * delivers nothing; an accepted send makes its name used this month.
   */
  private withAggregationUnit(call: SendCall, recipients: number, send: () => ApiReply): ApiReply {
    const unit = aggregationUnitOf(call.body);
    if (unit === null) return send();
    const month = call.channel.currentMonth();
    if (!call.channel.insight.mayUse(month, unit)) return invalid([unitLimitProblem()], recipients);
    const reply = send();
    if (reply.status === 200) call.channel.insight.use(month, unit);
    return reply;
  }

  private duplicateOf(call: SendCall, recipients: number): ApiReply | null {
    if (!call.retryKey) return null;
    const accepted = call.channel.retryKeys.find(call.retryKey, call.now);
    if (!accepted) return null;
    const body: { message: string; sentMessages?: SentMessage[] } = { message: RETRY_KEY_ACCEPTED_MESSAGE };
    if (accepted.sentMessages) body.sentMessages = accepted.sentMessages;
    return {
      status: 409,
      body,
      headers: { 'X-Line-Accepted-Request-Id': accepted.requestId },
      outcome: 'duplicate',
      recipients,
      delivered: 0,
      counted: 0,
    };
  }

  private deliver(
    call: SendCall,
    endpoint: SendEndpoint,
    recipients: readonly string[],
    messages: Record<string, unknown>[],
  ): ApiReply {
    const { channel } = call;
    const split = channel.splitRecipients(recipients);
    const counted = split.deliverable.length;
    if (channel.wouldPassMonthlyLimit(counted)) {
      return {
        status: 429,
        body: { message: MONTHLY_LIMIT_MESSAGE },
        outcome: 'monthly_limit',
        recipients: recipients.length,
        delivered: 0,
        counted: 0,
      };
    }
    const sentMessages =
      endpoint === 'push' ? messages.map((message) => sentMessageFor(channel, message, call.requestId)) : undefined;
    channel.countMessages(counted);
    channel.deliveries.record({
      requestId: call.requestId,
      endpoint,
      retryKey: call.retryKey,
      acceptedAt: call.now,
      messages,
      deliveredTo: split.deliverable,
      skipped: { blocked: split.blocked, unknown: split.unknown },
      counted,
      sentMessages,
    });
    if (call.retryKey)
      channel.retryKeys.remember(call.retryKey, { requestId: call.requestId, acceptedAt: call.now, sentMessages });
    return {
      status: 200,
      body: sentMessages ? { sentMessages } : {},
      outcome: 'accepted',
      recipients: recipients.length,
      delivered: counted,
      counted,
    };
  }
}

function invalid(problems: LineMessageProblem[], recipients?: number): ApiReply {
  return { status: 400, body: lineBadRequestBody(problems), outcome: 'invalid', recipients };
}

/** The per-request count (1 to 5) first; the per-object rules only on an array of the right size. */
function messageProblems(messages: unknown): LineMessageProblem[] {
  const countProblems = validateMessageCount(messages);
  return countProblems.length ? countProblems : validateLineMessages(messages);
}

function multicastRecipientProblems(to: unknown): LineMessageProblem[] {
  if (to === undefined || to === null) return [{ property: 'to', message: 'must be specified' }];
  if (!Array.isArray(to)) return [{ property: 'to', message: 'must be an array' }];
  if (to.length < 1 || to.length > MAX_MULTICAST_RECIPIENTS)
    return [{ property: 'to', message: `Size must be between 1 and ${MAX_MULTICAST_RECIPIENTS}` }];
  const problems: LineMessageProblem[] = [];
  to.forEach((id, index) => {
    if (!isLineUserId(id)) problems.push({ property: `to[${index}]`, message: 'must be a valid user ID' });
  });
  return problems;
}

function aggregationUnitProblems(units: unknown): LineMessageProblem[] {
  if (!Array.isArray(units) || units.length > 1)
    return [{ property: 'customAggregationUnits', message: 'must be an array of at most 1 unit name' }];
  return units.flatMap((unit, index) =>
    typeof unit === 'string' && /^[a-zA-Z0-9_]{1,30}$/.test(unit)
      ? []
      : [{ property: `customAggregationUnits[${index}]`, message: 'must be 1 to 30 letters, digits or underscores' }],
  );
}

function sentMessageFor(channel: SimChannel, message: Record<string, unknown>, requestId: string): SentMessage {
  const id = channel.nextMessageId();
  if (!QUOTABLE_TYPES.has(String(message.type))) return { id };
  return { id, quoteToken: createHash('sha256').update(`${requestId}:${id}`).digest('base64url').slice(0, 43) };
}

/** `next` tokens are opaque to clients; here they carry the offset into the follower list. */
export function encodeContinuationToken(offset: number): string {
  return Buffer.from(`followers:${offset}`).toString('base64url');
}

export function decodeContinuationToken(token: unknown): number | null {
  if (typeof token !== 'string') return null;
  const match = /^followers:(\d{1,12})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}
