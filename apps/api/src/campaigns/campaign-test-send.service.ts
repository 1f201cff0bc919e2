import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BackoffPolicy, retryDelayMs } from '@lcm/domain/dispatch';
import { splitIntoRequests } from '@lcm/domain/line-messages';
import { money } from '@lcm/domain/money';
import {
  describeOutcome,
  isAcceptedOutcome,
  isRetryableOutcome,
  LineClient,
  LineMessageObject,
  LineSendOutcome,
  PushRequest,
  PushResult,
} from '@lcm/line-client';
import type { Campaign } from '@lcm/database';
import { variantsOf } from './campaign-ab-test';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import type { Transaction } from '../database/prisma.service';
import { AuditService } from '../audit/audit.service';
import { AppConfigService } from '../config/config.service';
import type { AuthUser } from '../auth/auth.decorators';
import { LedgerService } from '../billing/ledger.service';
import { ContactsService } from '../contacts/contacts.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { LineGateway } from '../line/line-gateway';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignTestSendDto, TestSendResponseDto, TestSendResultDto } from './campaigns.dto';

/** The audit entry a test send writes when it starts (the outcome follows as campaign.test_sent). */
const TEST_SEND_STARTED = 'campaign.test_send_started';
/** How long the same test to the same recipients counts as a repeat. */
export const TEST_SEND_REPEAT_SECONDS = 60;

/** Attempts per request: the first, then retries with the same retry key (5xx, time-outs, rate limits). */
const ATTEMPTS = 3;
/** Someone waits for the answer, so no wait between attempts is longer than this. */
const MAX_RETRY_WAIT_MS = 2_000;

/**
 * Pushes a campaign's content to a few of the account's contacts, as Push messages that count in
 * the month like any other: reserved through the ledger first (so a test can't spend budget that
 * isn't there), then settled for what LINE accepted, the rest released.
 */
@Injectable()
export class CampaignTestSendService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly accounts: LineAccountsService,
    private readonly contacts: ContactsService,
    private readonly ledger: LedgerService,
    private readonly gateway: LineGateway,
    private readonly audit: AuditService,
    private readonly config: AppConfigService,
    private readonly clock: Clock,
  ) {}

  async send(actor: AuthUser, id: string, dto: CampaignTestSendDto): Promise<TestSendResponseDto> {
    const campaign = await this.campaigns.findById(id);
    if (!campaign) throw ApiError.notFound(`campaign ${id}`);
    const account = await this.accounts.mustFind(campaign.lineAccountId);
    const following = await this.contacts.followingAmong(account.id, dto.lineUserIds);
    const strangers = dto.lineUserIds.flatMap((userId, index) =>
      following.has(userId)
        ? []
        : [{ field: `lineUserIds[${index}]`, problem: 'is not a following contact of this LINE account' }],
    );
    if (strangers.length)
      throw ApiError.badRequest(strangers.map((p) => `${p.field} ${p.problem}`).join('; '), strangers);

    const recipients = [...new Set(dto.lineUserIds)];
    // An A/B test's test send shows every variant, A first: each variant's requests in turn.
    const variants = variantsOf(campaign);
    const requests = variants
      ? variants.flatMap((variant) => splitIntoRequests(variant.messages as LineMessageObject[]))
      : splitIntoRequests(campaign.messages as LineMessageObject[]);
    // Under the campaign's row lock (then the month's, the gate's order), so of identical test sends
    // at once exactly one goes: the others find its entry and get 409.
    const reserved = await this.campaigns.transaction(async (tx) => {
      const locked = await this.campaigns.lockById(id, tx);
      if (!locked) throw ApiError.notFound(`campaign ${id}`);
      await this.refuseRepeat(locked, recipients, tx);
      const result = await this.ledger.reserveInTransaction(
        {
          account,
          recipients: recipients.length,
          // Counted as requests per recipient (5 objects make one request).
          messageObjects: requests.length * 5,
          costCap: null,
          campaignId: id,
          label: 'test-send',
          actorId: actor.id,
        },
        tx,
      );
      // Only a test that goes counts as the one a repeat would copy (a refused one may be retried at once).
      if (result.reservation)
        await this.audit.record(
          {
            actorId: actor.id,
            action: TEST_SEND_STARTED,
            entityType: 'campaign',
            entityId: id,
            after: { version: locked.version, lineUserIds: [...recipients].sort() },
          },
          tx,
        );
      return result;
    });
    const { response } = reserved.forecast;
    if (!reserved.reservation) {
      throw ApiError.unprocessable(
        `the month refuses this test send (${response.verdict}): ${response.reasons.join('; ')}`,
        [{ field: 'lineUserIds', problem: response.verdict }],
      );
    }
    const client = this.gateway.clientFor(account);
    const results: TestSendResultDto[] = [];
    let accepted = 0;
    let settledCost = '0';
    try {
      for (const to of recipients) {
        const outcomes: string[] = [];
        let allAccepted = true;
        for (const group of requests) {
          const outcome = await pushWithRetries(
            client,
            { to, messages: group, retryKey: randomUUID() },
            this.backoff(),
          );
          outcomes.push(describeOutcome(outcome));
          if (isAcceptedOutcome(outcome)) accepted++;
          else allAccepted = false;
        }
        results.push({ lineUserId: to, accepted: allAccepted, requests: outcomes.length, outcomes });
      }
    } finally {
      if (accepted > 0)
        settledCost = (await this.ledger.settle(reserved.reservation.id, accepted, { kind: 'test_send' })).settledCost;
      await this.ledger.release(reserved.reservation.id);
    }
    const cost = money(settledCost, response.cost.currency);
    await this.audit.record({
      actorId: actor.id,
      action: 'campaign.test_sent',
      entityType: 'campaign',
      entityId: id,
      after: {
        status: campaign.status,
        version: campaign.version,
        results,
        messagesCounted: accepted,
        cost,
        forecast: { id: reserved.forecastId, verdict: response.verdict },
      },
    });
    return { results, messagesCounted: accepted, cost };
  }

  /** The dispatch workers' back-off (DISPATCH_RETRY_BASE_MS), capped at what a waiting caller can bear. */
  private backoff(): BackoffPolicy {
    const { retryBaseMs, retryMaxMs } = this.config.values.dispatch;
    return { baseMs: retryBaseMs, maxMs: Math.min(retryMaxMs, MAX_RETRY_WAIT_MS) };
  }

  /** The same test (campaign version and recipients) sent moments ago is a repeat: a double click, a client's retry. */
  private async refuseRepeat(campaign: Campaign, recipients: string[], tx: Transaction): Promise<void> {
    const since = new Date(this.clock.now().getTime() - TEST_SEND_REPEAT_SECONDS * 1000);
    const last = await this.audit.latestSince('campaign', campaign.id, TEST_SEND_STARTED, since, tx);
    const previous = last?.after as { version?: number; lineUserIds?: string[] } | null;
    if (
      previous?.version === campaign.version &&
      JSON.stringify(previous.lineUserIds) === JSON.stringify([...recipients].sort())
    ) {
      const wait = Math.ceil((last!.createdAt.getTime() - since.getTime()) / 1000);
      throw ApiError.conflict(
        `this test of version ${campaign.version} went to the same recipients at ${last!.createdAt.toISOString()}; change the recipients or send it again in ${wait} s`,
        [{ field: 'lineUserIds', problem: 'the same test was sent moments ago' }],
      );
    }
  }
}

async function pushWithRetries(
  client: LineClient,
  request: PushRequest,
  backoff: BackoffPolicy,
): Promise<LineSendOutcome<PushResult>> {
  let outcome = await client.push(request);
  for (let attempt = 1; attempt < ATTEMPTS && isRetryableOutcome(outcome); attempt++) {
    const wait =
      outcome.kind === 'rate_limited' ? Math.min(outcome.retryAfterMs, backoff.maxMs) : retryDelayMs(attempt, backoff);
    await new Promise((resolve) => setTimeout(resolve, wait));
    outcome = await client.push(request);
  }
  return outcome;
}
