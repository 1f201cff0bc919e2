import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Campaign, CampaignRun } from '@lcm/database';
import { MAX_MULTICAST_RECIPIENTS } from '@lcm/domain/line-messages';
import { approvalLapsed, costPastApproval, DeferSuggestion, OverBudgetPolicy } from '@lcm/domain/forecast';
import { AudiencesService } from '../audiences/audiences.service';
import { AuditService } from '../audit/audit.service';
import { BlockReason, LedgerService } from '../billing/ledger.service';
import type { ForecastResponse } from '../billing/forecast-engine.service';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { CampaignReadsService } from '../campaigns/campaign-reads.service';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import type { Transaction } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { Metrics } from '../metrics/metrics';
import { QuotaRefresher } from '../ports/quota-refresher';
import { AggregationUnitsService, NO_UNIT_NOTE } from '../results/aggregation-units.service';
import { DispatchRepository } from './dispatch.repository';
import { campaignFrequencyCap, capWindow, FrequencyCapsService } from '../frequency-caps/frequency-caps.service';

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
    private readonly units: AggregationUnitsService,
    private readonly frequencyCaps: FrequencyCapsService,
  ) {}

  async gate(runId: string, campaignId: string): Promise<GateOutcome> {
    const unlocked = await this.campaigns.findById(campaignId);
    if (!unlocked) return 'skipped';
    // Outside the transaction: LINE's figures are refreshed when stale (a stale reading under a cap
    // blocks as quota_unknown), and the audience is compiled (it reads audiences, not the rows decided on).
    const unlockedAccount = await this.accounts.mustFind(unlocked.lineAccountId);
    await this.quota.refreshIfStale(unlockedAccount);
    // LINE's count of the month's aggregation units (other tools use them too), before any lock.
    await this.units.refreshIfStale(unlockedAccount);
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
      // Frequency caps count the deliveries other gates reserved: this lock, and the history written
      // before this transaction commits, make a concurrent gate of the account see this one's.
      await this.frequencyCaps.lockAccount(account.id, tx);
      // A deferred remainder carries its recipients from the first run's snapshot and is never deferred again.
      const remainderOf = run.deferredFromRunId;
      const policy: OverBudgetPolicy = remainderOf ? 'block' : (campaign.overBudgetPolicy as OverBudgetPolicy);
      const seed = policy === 'defer' ? randomBytes(8).toString('hex') : null;
      // A remainder's recipients were held to the cap at the first run's gate; it takes no snapshot of its own.
      const cap = remainderOf ? null : capWindow(campaignFrequencyCap(campaign, account), this.clock.now());
      const snapshotStarted = performance.now();
      const snapshot = remainderOf
        ? { ...(await this.repository.countBatches(run.id, tx)), frequencyCapped: 0 }
        : await this.repository.snapshotBatches(
            run.id,
            account.id,
            predicate,
            campaign.maxRecipients,
            MAX_MULTICAST_RECIPIENTS,
            seed,
            cap,
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
          policy,
          campaignId: campaign.id,
          runId: run.id,
          label: `run ${run.id}`,
          extraChecks: (forecast) => (approvalInForce ? this.approvalChecks(run, forecast) : [approvalLapsed()]),
        },
        tx,
      );
      if (!result.reservation) {
        // A blocked remainder keeps its carried rows for a retry: they are its recipients.
        if (!remainderOf) await this.repository.dropBatches(run.id, tx);
        const notes = remainderOf ? [remainderNote(remainderOf, true)] : [];
        await this.block(run, campaign, result.forecastId, [...result.blockReasons, ...notes], tx);
        this.metrics.gateBlocked(result.blockReasons.map((reason) => reason.code));
        return 'blocked';
      }
      const remainder = result.deferral ? await this.deferRest(run, recipients, result.deferral, tx) : null;
      const batches =
        result.trimmed || remainder
          ? await this.repository.trimBatches(run.id, result.recipients, MAX_MULTICAST_RECIPIENTS, tx)
          : snapshot.batches;
      // Every run's deliveries are recorded, capped or not, so a cap set later counts them too.
      await this.frequencyCaps.recordRun(run.id, account.id, tx);
      // Not a block: a note on a run that passed, so it clears nothing.
      const notes: RunNote[] = [];
      if (result.trimmed)
        notes.push({
          code: 'trimmed',
          message: `Trimmed from ${recipients} to ${result.recipients} recipients to fit the budget (policy trim).`,
          clearedBy: null,
        });
      if (remainder) notes.push(remainder.note);
      if (remainderOf) notes.push(remainderNote(remainderOf, false));
      // Results are read by unit; with none left this month the run still goes, and says so.
      const aggregationUnit = await this.units.allocate(tx, account, run.id, run.aggregationUnit);
      if (!aggregationUnit) notes.push(NO_UNIT_NOTE);
      await this.runs.update(
        run.id,
        {
          status: 'sending',
          startedAt: this.clock.now(),
          recipients: result.recipients,
          batches,
          frequencyCapped: snapshot.frequencyCapped,
          forecastId: result.forecastId,
          reservationId: result.reservation.id,
          reservedMessages: result.reservation.messages,
          reservedCost: result.reservation.cost,
          blockReasons: notes as object[],
          deferSeed: seed,
          aggregationUnit,
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
            frequencyCap: cap
              ? { ...campaignFrequencyCap(campaign, account), excluded: snapshot.frequencyCapped }
              : null,
            reserved: { messages: result.reservation.messages, cost: result.reservation.cost },
            trimmed: result.trimmed,
            deferred: remainder ? { runId: remainder.run.id, recipients: remainder.run.recipients, seed } : null,
            aggregationUnit,
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

  /**
   * Policy defer: the snapshot rows past the part that goes now become a second run of the same
   * campaign at the next monthly reset, in this transaction (so a crash leaves both or neither).
   */
  private async deferRest(
    run: CampaignRun,
    recipients: number,
    deferral: DeferSuggestion,
    tx: Transaction,
  ): Promise<{ run: CampaignRun; note: RunNote }> {
    const { now, later } = deferral;
    const at = new Date(later.at!);
    const created = await this.runs.createDeferred(run, at, remainderNote(run.id, false), tx);
    const carried = await this.repository.carryOverBatches(
      run.id,
      created.id,
      now.recipients,
      MAX_MULTICAST_RECIPIENTS,
      tx,
    );
    const remainder = await this.runs.update(
      created.id,
      { recipients: carried.recipients, batches: carried.batches },
      tx,
    );
    const note = {
      code: 'deferred',
      message:
        `Sent ${now.recipients} of ${recipients} recipients now, free; the other ${later.recipients} (${later.messages} messages) ` +
        `go as run ${remainder.id} at the monthly reset, ${at.toISOString()}, forecast there at ${later.cost} ${later.currency} ` +
        `(${later.verdict}) instead of ${deferral.saves} ${deferral.currency} more now (policy defer).`,
      clearedBy: null,
    };
    return { run: remainder, note };
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
    reasons: (BlockReason | RunNote)[],
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

/** A note the gate leaves on a run: it blocks nothing and clears nothing. */
interface RunNote {
  code: string;
  message: string;
  clearedBy: null;
}

/** What a deferred remainder says about itself, and what happens when the new month can't take it either. */
function remainderNote(fromRunId: string, blocked: boolean): RunNote {
  return {
    code: 'deferred',
    message: blocked
      ? `The rest of run ${fromRunId}, deferred to this reset (policy defer), does not fit this month either; it is not deferred again: clear the reasons above, then POST /runs/:id/retry.`
      : `The rest of run ${fromRunId}, deferred to the monthly reset (policy defer): its recipients are those that run's snapshot did not send; it passes the budget gate again when it starts.`,
    clearedBy: null,
  };
}
