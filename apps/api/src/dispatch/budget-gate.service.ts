import { Injectable, Logger } from '@nestjs/common';
import type { Campaign, CampaignRun } from '@lcm/database';
import { MAX_MULTICAST_RECIPIENTS } from '@lcm/domain/line-messages';
import { approvalLapsed, costPastApproval } from '@lcm/domain/forecast';
import { AudiencesService } from '../audiences/audiences.service';
import { AuditService } from '../audit/audit.service';
import { BlockReason, LedgerService } from '../billing/ledger.service';
import type { ForecastResponse } from '../billing/forecast-engine.service';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { CampaignReadsService } from '../campaigns/campaign-reads.service';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.module';
import type { Transaction } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { Metrics } from '../metrics/metrics';
import { QuotaRefresher } from '../ports/quota-refresher';
import { DispatchRepository } from './dispatch.repository';

export type GateOutcome = 'sending' | 'blocked' | 'skipped';

/**
 * The check that matters: when a run starts, in one transaction with the campaign and the account's
 * month locked, snapshot the recipients, forecast, and either reserve and split into batches, or
 * block with reasons and send nothing.
 */
@Injectable()
export class BudgetGateService {
  private readonly logger = new Logger(BudgetGateService.name);

  constructor(
    private readonly repository: DispatchRepository,
    private readonly campaigns: CampaignReadsService,
    private readonly runs: CampaignRunsService,
    private readonly audiences: AudiencesService,
    private readonly accounts: LineAccountsService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    private readonly quota: QuotaRefresher,
    private readonly metrics: Metrics,
  ) {}

  async gate(runId: string, campaignId: string): Promise<GateOutcome> {
    const unlocked = await this.campaigns.findById(campaignId);
    if (!unlocked) return 'skipped';
    // Outside the transaction: LINE's figures are refreshed when stale (a stale reading under a cap
    // blocks as quota_unknown), and the audience is compiled (it reads audiences, not the rows decided on).
    await this.quota.refreshIfStale(await this.accounts.mustFind(unlocked.lineAccountId));
    const { predicate } = await this.audiences.recipientPredicate(unlocked.audienceId, this.clock.now());
    return this.repository.transaction(async (tx) => {
      const campaign = await this.campaigns.lockById(campaignId, tx);
      if (!campaign || !(await this.runs.lockDueRun(runId, this.clock.now(), tx))) return 'skipped';
      const run = (await this.runs.findById(runId, tx))!;
      if (campaign.status === 'paused') return 'skipped';
      // A lapsed approval blocks too, but only beside the forecast's own reasons: all are shown at once.
      const approvalInForce = this.runs.mayStart(run, campaign);
      const account = await this.accounts.mustFind(run.lineAccountId, tx);
      await this.ledger.lockCurrentMonth(account, tx);
      const snapshotStarted = performance.now();
      const snapshot = await this.repository.snapshotBatches(
        run.id,
        account.id,
        predicate,
        campaign.maxRecipients,
        MAX_MULTICAST_RECIPIENTS,
        tx,
      );
      const recipients = snapshot.recipients;
      const snapshotMs = Math.round(performance.now() - snapshotStarted);
      const messageObjects = (campaign.messages as unknown[]).length;
      const result = await this.ledger.reserveInTransaction(
        {
          account,
          recipients,
          messageObjects,
          costCap: campaign.costCap?.toString() ?? null,
          policy: campaign.overBudgetPolicy === 'trim' ? 'trim' : 'block',
          campaignId: campaign.id,
          runId: run.id,
          label: `run ${run.id}`,
          extraChecks: (forecast) => (approvalInForce ? this.approvalChecks(run, forecast) : [approvalLapsed()]),
        },
        tx,
      );
      if (!result.reservation) {
        await this.repository.dropBatches(run.id, tx);
        await this.block(run, campaign, result.forecastId, result.blockReasons, tx);
        this.metrics.gateBlocked(result.blockReasons.map((reason) => reason.code));
        return 'blocked';
      }
      const batches = result.trimmed
        ? await this.repository.trimBatches(run.id, result.recipients, MAX_MULTICAST_RECIPIENTS, tx)
        : snapshot.batches;
      // Not a block: a note on a run that passed, so it clears nothing.
      const notes = result.trimmed
        ? [
            {
              code: 'trimmed',
              message: `Trimmed from ${recipients} to ${result.recipients} recipients to fit the budget (policy trim).`,
              clearedBy: null,
            },
          ]
        : [];
      await this.runs.update(
        run.id,
        {
          status: 'sending',
          startedAt: this.clock.now(),
          recipients: result.recipients,
          batches,
          forecastId: result.forecastId,
          reservationId: result.reservation.id,
          reservedMessages: result.reservation.messages,
          reservedCost: result.reservation.cost,
          blockReasons: notes as object[],
        },
        tx,
      );
      await this.runs.onRunStarted(run.id, tx);
      await this.audit.record(
        {
          actorId: null,
          action: 'run.started',
          entityType: 'campaign',
          entityId: campaign.id,
          after: {
            runId: run.id,
            recipients: result.recipients,
            batches,
            snapshotMs,
            reserved: { messages: result.reservation.messages, cost: result.reservation.cost },
            trimmed: result.trimmed,
            forecastId: result.forecastId,
          },
        },
        tx,
      );
      this.logger.log({ runId: run.id, recipients: result.recipients, batches }, 'run passed the budget gate');
      this.metrics.gatePassed(result.trimmed);
      return 'sending';
    });
  }

  /** The approver approved a cost; a run that grew past it by more than the tolerance needs a new approval. */
  private approvalChecks(run: CampaignRun, forecast: ForecastResponse): BlockReason[] {
    const reason = costPastApproval({
      cost: forecast.cost.amount,
      currency: forecast.cost.currency,
      approvedCost: run.approvedCost.toString(),
      tolerancePercent: this.config.values.dispatch.costTolerancePercent,
    });
    return reason ? [reason] : [];
  }

  private async block(
    run: CampaignRun,
    campaign: Campaign,
    forecastId: string | null,
    reasons: BlockReason[],
    tx: Transaction,
  ): Promise<void> {
    await this.runs.update(
      run.id,
      { status: 'blocked', finishedAt: this.clock.now(), forecastId, blockReasons: reasons as object[] },
      tx,
    );
    await this.audit.record(
      {
        actorId: null,
        action: 'run.blocked',
        entityType: 'campaign',
        entityId: campaign.id,
        after: { runId: run.id, blockReasons: reasons, forecastId },
        reason: reasons.map((r) => r.code).join(', '),
      },
      tx,
    );
    await this.runs.onRunFinished(run.id, tx);
    this.logger.warn({ runId: run.id, reasons: reasons.map((r) => r.code) }, 'run blocked at the budget gate');
  }
}
