import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { parseCampaignPostback } from '@lcm/domain/engagement';
import { isLineUserId } from '@lcm/domain/line-messages';
import { isStorableText, UNSTORABLE_TEXT_PROBLEM } from '@lcm/domain/text';
import { INSTANT_RANGE, isInstantInRange } from '@lcm/domain/time/instant-range';
import { ApiError } from '../common/api-error';
import { ContactsService } from '../contacts/contacts.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { WebhookResponseDto } from './line.dto';
import { PostbackTapsRepository } from './postback-taps.repository';
import { WebhookEventsRepository } from './webhook-events.repository';

interface LineWebhookEvent {
  type: string;
  timestamp: number;
  webhookEventId: string;
  source?: { type?: string; userId?: string };
  follow?: { isUnblocked?: boolean };
  postback?: { data?: string };
}

/** Events this service acts on: follow and unfollow keep the status, message and postback the last interaction. */
const APPLIED_TYPES = new Set(['follow', 'unfollow', 'message', 'postback']);

/**
 * LINE's webhook: the signature is checked against the raw body with the channel secret before
 * anything is read. `follow` makes the contact following (new, re-followed or unblocked), `unfollow`
 * marks it blocked; `message` and `postback` move the contact's last interaction to the event's
 * time, and a postback of a campaign's action (`lcm:<campaign>:<label>`) is recorded as a tap when
 * that campaign is the account's (data naming no campaign of it is an interaction only, never a
 * refusal: LINE would redeliver the whole delivery). A redelivered event (same webhookEventId) is applied once.
 */
@Injectable()
export class WebhookService {
  constructor(
    private readonly accounts: LineAccountsService,
    private readonly contacts: ContactsService,
    private readonly events: WebhookEventsRepository,
    private readonly taps: PostbackTapsRepository,
  ) {}

  async receive(
    lineAccountId: string,
    signature: string | undefined,
    rawBody: Buffer | undefined,
  ): Promise<WebhookResponseDto> {
    const account = await this.accounts.findById(lineAccountId);
    // Unknown account and bad signature answer alike, so the endpoint can't be used to probe ids.
    if (!account || !rawBody || !signature || !signatureMatches(account.channelSecret, rawBody, signature)) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'x-line-signature does not match the body');
    }
    const events = parseEvents(rawBody);
    let applied = 0;
    for (const event of events) {
      const userId = event.source?.userId;
      if (!APPLIED_TYPES.has(event.type) || !userId) continue;
      const firstTime = await this.events.transaction(async (tx) => {
        if (!(await this.events.recordOnce(account.id, event.webhookEventId, event.type, tx))) return false;
        const at = new Date(event.timestamp);
        if (event.type === 'follow' || event.type === 'unfollow') {
          await this.contacts.setStatus(account.id, userId, event.type === 'follow' ? 'following' : 'blocked', at, tx);
          return true;
        }
        await this.contacts.touchInteraction(account.id, userId, at, tx);
        const tap = event.type === 'postback' ? parseCampaignPostback(event.postback?.data) : null;
        if (tap)
          await this.taps.recordOnce(
            {
              lineAccountId: account.id,
              lineUserId: userId,
              ...tap,
              webhookEventId: event.webhookEventId,
              tappedAt: at,
            },
            tx,
          );
        return true;
      });
      if (firstTime) applied++;
    }
    const relevant = events.filter((e) => APPLIED_TYPES.has(e.type) && e.source?.userId).length;
    return { received: events.length, applied, duplicates: relevant - applied };
  }
}

export function signatureMatches(channelSecret: string, rawBody: Buffer, signature: string): boolean {
  const expected = createHmac('sha256', channelSecret).update(rawBody).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Every event of the delivery is checked before any is applied: one unusable value refuses the
 * whole delivery with 400 and nothing written (LINE redelivers it; events applied are never
 * half-applied).
 */
function parseEvents(rawBody: Buffer): LineWebhookEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw ApiError.field('body', 'malformed JSON');
  }
  const events = (body as { events?: unknown })?.events;
  if (!Array.isArray(events)) throw ApiError.field('events', 'must be an array');
  return events.map((event, index) => {
    const e = event as Partial<LineWebhookEvent>;
    if (!e || typeof e.type !== 'string' || !isStorableText(e.type))
      throw ApiError.field(`events[${index}].type`, 'must be a string');
    if (typeof e.webhookEventId !== 'string' || !e.webhookEventId || e.webhookEventId.length > 100)
      throw ApiError.field(`events[${index}].webhookEventId`, 'must be a string of 1 to 100 characters');
    if (!isStorableText(e.webhookEventId))
      throw ApiError.field(`events[${index}].webhookEventId`, UNSTORABLE_TEXT_PROBLEM);
    if (typeof e.timestamp !== 'number' || !Number.isInteger(e.timestamp) || !isInstantInRange(e.timestamp))
      throw ApiError.field(`events[${index}].timestamp`, `must be milliseconds since the epoch, ${INSTANT_RANGE}`);
    if (e.source?.userId !== undefined && !isLineUserId(e.source.userId))
      throw ApiError.field(`events[${index}].source.userId`, 'must be a LINE user id');
    if (e.type === 'postback') {
      const data = e.postback?.data;
      // LINE allows 300 characters of postback data.
      if (typeof data !== 'string' || data.length > 300)
        throw ApiError.field(`events[${index}].postback.data`, 'must be a string of at most 300 characters');
      if (!isStorableText(data)) throw ApiError.field(`events[${index}].postback.data`, UNSTORABLE_TEXT_PROBLEM);
    }
    return e as LineWebhookEvent;
  });
}
