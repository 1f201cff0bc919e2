import { Injectable, Logger } from '@nestjs/common';
import type { LineAccount } from '@lcm/database';
import { requestRetryKey, retryDelayMs, TokenBucket } from '@lcm/domain/dispatch';
import { splitIntoRequests } from '@lcm/domain/line-messages';
import { describeOutcome, LineMessageObject } from '@lcm/line-client';
import { CampaignReadsService } from '../campaigns/campaign-reads.service';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { LineGateway } from '../line/line-gateway';
import { Metrics } from '../metrics/metrics';
import { QuotaRefresher } from '../ports/quota-refresher';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { ClaimedBatch, DispatchRepository } from './dispatch.repository';
import { messagesFor } from '../campaigns/campaign-ab-test';

/** How long a worker reuses a run's account and content before reading them again (a rotated token shows within it). */
const CONTEXT_TTL_MS = 5000;

/** What stopped a run from the sending side; the finisher turns it into the run's final status. */
export type StopReason = 'monthly_limit' | 'unauthorized';

/**
 * Sends one claimed batch: one multicast per 5 message objects, each with its stored retry key.
 * Each accepted request is recorded on its batch at once; the scheduler settles recorded requests
 * into the ledger later, in bulk (RunSettlementService). A crash between LINE's answer and that
 * record is repaired by the retry with the same key (LINE answers 409).
 */
@Injectable()
export class BatchSenderService {
  private readonly logger = new Logger(BatchSenderService.name);
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly contexts = new Map<
    string,
    { account: LineAccount; requests: LineMessageObject[][]; aggregationUnit: string | null; until: number }
  >();

  constructor(
    private readonly repository: DispatchRepository,
    private readonly runs: CampaignRunsService,
    private readonly campaigns: CampaignReadsService,
    private readonly accounts: LineAccountsService,
    private readonly gateway: LineGateway,
    private readonly config: AppConfigService,
    private readonly quota: QuotaRefresher,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Sends the batch. When its last request is accepted and `claimNext` is set, the same statement
   * that closes it claims the worker's next batch, which is returned.
   */
  async send(batch: ClaimedBatch, owner: string, claimNext: boolean): Promise<ClaimedBatch | null> {
    const recipients = batch.to;
    const { account, requests, aggregationUnit } = await this.sendingContext(batch);
    const client = this.gateway.clientFor(account);
    for (let index = batch.requestsDone; index < requests.length; index++) {
      await this.waitForRateLimit(account);
      const outcome = await client.multicast({
        to: recipients,
        messages: requests[index],
        retryKey: requestRetryKey(batch.retryKey, index),
        ...(aggregationUnit ? { aggregationUnit } : {}),
      });
      switch (outcome.kind) {
        case 'accepted':
        case 'duplicate_accepted': {
          const requestId = (outcome.kind === 'accepted' ? outcome.requestId : outcome.acceptedRequestId) ?? 'unknown';
          if (index === requests.length - 1 && claimNext) {
            const { kept, next } = await this.repository.completeBatchAndClaimNext(
              batch.id,
              owner,
              requestId,
              this.config.values.dispatch.leaseSeconds,
              this.clock.now(),
            );
            if (kept) {
              batch.requestsDone++;
              this.metrics.recipients('accepted', batch.recipients);
            }
            return next;
          }
          const kept = await this.recordRequest(batch, owner, requestId, index === requests.length - 1);
          if (!kept) return null; // the lease moved on: another instance finishes this batch
          if (index === requests.length - 1) this.metrics.recipients('accepted', batch.recipients);
          continue;
        }
        case 'rate_limited':
          await this.repository.retryBatchLater(batch.id, owner, outcome.retryAfterMs, { kind: outcome.kind });
          return null;
        case 'server_error':
        case 'timeout':
        case 'network_error':
          if (batch.attempts >= this.config.values.dispatch.maxAttempts) {
            await this.fail(batch, owner, {
              kind: outcome.kind,
              message: describeOutcome(outcome),
              attempts: batch.attempts,
            });
          } else {
            const { retryBaseMs, retryMaxMs } = this.config.values.dispatch;
            await this.repository.retryBatchLater(
              batch.id,
              owner,
              retryDelayMs(batch.attempts, { baseMs: retryBaseMs, maxMs: retryMaxMs }),
              { kind: outcome.kind, message: describeOutcome(outcome) },
            );
          }
          return null;
        case 'monthly_limit':
          this.logger.warn(
            { runId: batch.runId, batchNo: batch.batchNo },
            'LINE says the monthly limit is reached: stopping the run',
          );
          await this.stopRun(batch, owner, 'monthly_limit', { kind: outcome.kind, message: outcome.message });
          // LINE counts more than the ledger knew (sends from elsewhere): read its figures again now.
          await this.quota.refresh(account);
          return null;
        case 'unauthorized':
          await this.stopRun(batch, owner, 'unauthorized', { kind: outcome.kind, message: outcome.message });
          return null;
        case 'rejected_input':
          // LINE refused the content for these recipients; the run goes on with the other batches.
          await this.fail(batch, owner, { kind: outcome.kind, message: outcome.message, details: outcome.details });
          return null;
      }
    }
    return null; // every request was already accepted (nothing left to send)
  }

  /** Records one accepted request; the last one also closes the batch. False when this instance lost the lease. */
  private async recordRequest(batch: ClaimedBatch, owner: string, requestId: string, last: boolean): Promise<boolean> {
    const kept = await this.repository.completeRequest(batch.id, owner, requestId, last);
    if (kept) batch.requestsDone++;
    return kept;
  }

  private async fail(batch: ClaimedBatch, owner: string, error: object): Promise<void> {
    await this.repository.transaction(async (tx) => {
      if (!(await this.repository.lockOwnedBatch(batch.id, owner, tx))) return;
      this.metrics.recipients('failed', batch.recipients);
      await this.repository.finishBatch(batch.id, 'failed', owner, tx, error);
      await this.runs.addRunProgress(
        batch.runId,
        {
          batchesDone: 1,
          delivered: 0,
          failed: batch.recipients,
          messages: 0,
          cost: '0',
        },
        tx,
      );
    });
  }

  /** No new request for the run from any instance: claims skip runs with a stop request. */
  private async stopRun(batch: ClaimedBatch, owner: string, reason: StopReason, error: object): Promise<void> {
    await this.repository.transaction(async (tx) => {
      await this.runs.requestStop(batch.runId, reason, tx);
      if (!(await this.repository.lockOwnedBatch(batch.id, owner, tx))) return;
      // Nothing of this request was delivered (LINE refuses such a request whole): the batch is released unsent.
      await this.repository.finishBatch(batch.id, 'released', owner, tx, error);
    });
  }

  /**
   * The account (token, base URL), the campaign's requests and the run's unit, read once a few seconds per run
   * rather than once per batch. An approved campaign's content can't change while it sends.
   */
  private async sendingContext(
    batch: ClaimedBatch,
  ): Promise<{ account: LineAccount; requests: LineMessageObject[][]; aggregationUnit: string | null }> {
    const cached = this.contexts.get(batch.runId);
    if (cached && cached.until > this.clock.elapsedMs()) return cached;
    const [account, campaign, run] = await Promise.all([
      this.accounts.mustFind(batch.lineAccountId),
      this.campaigns.findById(batch.campaignId),
      this.runs.findById(batch.runId),
    ]);
    const context = {
      account,
      // An A/B test's run sends its variant (the remainder: the winner, set before its gate).
      requests: splitIntoRequests(messagesFor(campaign!, run?.variant ?? null) as LineMessageObject[]),
      // Set by the gate before any batch exists, and never changed while the run sends.
      aggregationUnit: run?.aggregationUnit ?? null,
      until: this.clock.elapsedMs() + CONTEXT_TTL_MS,
    };
    if (this.contexts.size > 1000) this.contexts.clear();
    this.contexts.set(batch.runId, context);
    return context;
  }

  private async waitForRateLimit(account: LineAccount): Promise<void> {
    let bucket = this.buckets.get(account.id);
    if (!bucket) {
      const rate = this.config.values.dispatch.requestsPerSecond;
      // LINE counts requests in any one second. A bucket admits at most rate + burst in a second, so a
      // burst of 5% lets workers catch up a slot a slow moment missed and still stays under the limit
      // (190 + 9 = 199 of LINE's 200 at the default rate).
      bucket = new TokenBucket(rate, Math.max(1, Math.floor(rate / 20)), this.clock.elapsedMs());
      this.buckets.set(account.id, bucket);
    }
    const wait = bucket.reserve(this.clock.elapsedMs());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
