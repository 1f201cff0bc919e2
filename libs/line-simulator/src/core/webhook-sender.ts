import { createHmac, randomBytes } from 'node:crypto';
import { isLineUserId } from '@lcm/domain/line-messages';
import { isRecord, Parsed } from './channel-settings';
import type { SimChannel } from './sim-channel';

/** A user action to simulate: following (or unblocking) the account, blocking it, writing to it, or tapping a postback action. */
export type AudienceEventInput =
  | { type: 'follow'; userId: string; isUnblocked?: boolean }
  | { type: 'unfollow'; userId: string }
  | { type: 'message'; userId: string; text: string }
  | { type: 'postback'; userId: string; data: string };

/** A webhook event as webhook.yml describes it (FollowEvent, UnfollowEvent, MessageEvent with a text, PostbackEvent). */
export interface WebhookEvent {
  type: 'follow' | 'unfollow' | 'message' | 'postback';
  mode: 'active';
  timestamp: number;
  source: { type: 'user'; userId: string };
  webhookEventId: string;
  deliveryContext: { isRedelivery: boolean };
  replyToken?: string;
  follow?: { isUnblocked: boolean };
  message?: { type: 'text'; id: string; text: string; quoteToken: string };
  postback?: { data: string };
}

export interface WebhookDelivery {
  /** The events that happened; the simulator's audience was updated whether or not they were delivered. */
  events: WebhookEvent[];
  url: string | null;
  sent: boolean;
  status?: number;
  responseBody?: string;
  error?: string;
}

const EVENT_TYPES = ['follow', 'unfollow', 'message', 'postback'];

export function parseAudienceEvents(body: unknown): Parsed<{ events: AudienceEventInput[]; url?: string }> {
  if (!isRecord(body) || !Array.isArray(body.events) || body.events.length === 0) {
    return {
      ok: false,
      errors: [
        'body must be {"events": [{"type": "follow"|"unfollow"|"message"|"postback", "userId": "U...", "isUnblocked"?: boolean, "text"?: "...", "data"?: "..."}, ...]}',
      ],
    };
  }
  const errors: string[] = [];
  const events: AudienceEventInput[] = [];
  body.events.forEach((event, index) => {
    if (!isRecord(event) || !EVENT_TYPES.includes(event.type as string) || !isLineUserId(event.userId)) {
      errors.push(
        `events[${index}] must have type follow, unfollow, message or postback and a userId of U and 32 hex digits`,
      );
    } else if (event.type === 'message') {
      if (typeof event.text !== 'string' || event.text.length === 0 || event.text.length > 5000)
        errors.push(`events[${index}].text must be a string of 1 to 5000 characters`);
      else events.push({ type: 'message', userId: event.userId, text: event.text });
    } else if (event.type === 'postback') {
      // LINE allows 300 characters of postback data.
      if (typeof event.data !== 'string' || event.data.length === 0 || event.data.length > 300)
        errors.push(`events[${index}].data must be a string of 1 to 300 characters`);
      else events.push({ type: 'postback', userId: event.userId, data: event.data });
    } else if (event.type === 'follow') {
      if (event.isUnblocked !== undefined && typeof event.isUnblocked !== 'boolean')
        errors.push(`events[${index}].isUnblocked must be a boolean`);
      else events.push({ type: 'follow', userId: event.userId, isUnblocked: event.isUnblocked as boolean | undefined });
    } else {
      events.push({ type: 'unfollow', userId: event.userId });
    }
  });
  if (body.url !== undefined && typeof body.url !== 'string') errors.push('url must be a string');
  return errors.length ? { ok: false, errors } : { ok: true, value: { events, url: body.url as string | undefined } };
}

/**
 * Simulates users following and blocking a channel: updates the channel's audience, then posts
 * the matching webhook events to the channel's webhook URL, signed as LINE signs them
 * (`x-line-signature`: base64 HMAC-SHA256 of the raw body with the channel secret).
 */
export class WebhookSender {
  constructor(
    private readonly now: () => number,
    private readonly timeoutMs = 5000,
  ) {}

  async apply(channel: SimChannel, inputs: AudienceEventInput[], urlOverride?: string): Promise<WebhookDelivery> {
    const events = inputs.map((input) => this.applyOne(channel, input));
    const url = urlOverride ?? channel.settings.webhookUrl;
    if (!url) return { events, url: null, sent: false, error: 'the channel has no webhook URL' };

    const rawBody = JSON.stringify({ destination: channel.settings.botInfo.userId, events });
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'LineBotWebhook/2.0',
          'x-line-signature': signWebhookBody(rawBody, channel.settings.channelSecret),
        },
        body: rawBody,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { events, url, sent: true, status: response.status, responseBody: await response.text() };
    } catch (error) {
      return { events, url, sent: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private applyOne(channel: SimChannel, input: AudienceEventInput): WebhookEvent {
    const base = {
      mode: 'active' as const,
      timestamp: this.now(),
      source: { type: 'user' as const, userId: input.userId },
      webhookEventId: ulid(this.now()),
      deliveryContext: { isRedelivery: false },
    };
    if (input.type === 'message') {
      const id = String(Math.floor(this.now()) * 1000 + Math.floor(Math.random() * 1000));
      const quoteToken = randomBytes(32).toString('base64url');
      return {
        type: 'message',
        ...base,
        replyToken: randomBytes(16).toString('hex'),
        message: { type: 'text', id, text: input.text, quoteToken },
      };
    }
    if (input.type === 'postback')
      return { type: 'postback', ...base, replyToken: randomBytes(16).toString('hex'), postback: { data: input.data } };
    if (input.type === 'unfollow') {
      channel.audience.block(input.userId);
      return { type: 'unfollow', ...base };
    }
    const { wasBlocked } = channel.audience.follow(input.userId);
    return {
      type: 'follow',
      ...base,
      replyToken: randomBytes(16).toString('hex'),
      follow: { isUnblocked: input.isUnblocked ?? wasBlocked },
    };
  }
}

export function signWebhookBody(rawBody: string | Buffer, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(rawBody).digest('base64');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (what LINE uses for `webhookEventId`): 48-bit time then 80 random bits, Crockford base32. */
export function ulid(epochMs: number): string {
  let time = '';
  let rest = Math.max(0, Math.floor(epochMs));
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  const random = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i += 1) tail += CROCKFORD[random[i] % 32];
  return time + tail;
}
