import { Injectable, Logger } from '@nestjs/common';
import type { CampaignRunStatus } from '@lcm/database';
import { AuditService } from '../audit/audit.service';
import { LedgerService } from '../billing/ledger.service';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { CampaignReadsService } from '../campaigns/campaign-reads.service';
import { Clock } from '../common/clock';
import { DispatchRepository } from './dispatch.repository';
import { RunSettlementService } from './run-settlement.service';
import { FrequencyCapsService } from '../frequency-caps/frequency-caps.service';

/**
 * Gives a sending run its final status once nothing of it is in flight: completed, partial (the
 * monthly limit, or some batches refused), failed, cancelled — or paused, keeping its batches and
 * reservation for resume. What the reservation still holds is released.
 */
@Injectable()
export class RunFinisherService {
  private readonly logger = new Logger(RunFinisherService.name);

  constructor(
    private readonly repository: DispatchRepository,
    private readonly campaigns: CampaignReadsService,
    private readonly runs: CampaignRunsService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly settlement: RunSettlementService,
    private readonly frequencyCaps: FrequencyCapsService,
  ) {}

  async finish(runId: string, campaignId: string): Promise<CampaignRunStatus | null> {
    return this.repository.transaction(async (tx) => {
      // Lock order everywhere: campaign, then the account's month, then the run.
      await this.campaigns.lockById(campaignId, tx);
      const unlocked = await this.runs.findById(runId, tx);
      if (!unlocked || unlocked.status !== 'sending') return null;
      if (unlocked.reservationId) {
        const reservation = await this.ledger.findReservation(unlocked.reservationId, tx);
        if (reservation) {
          await this.ledger.lockMonth(reservation.lineAccountId, reservation.month, tx);
          await this.settlement.settleLocked(runId, unlocked.reservationId, tx);
        }
      }
      await this.runs.lockRun(runId, tx);
      const run = (await this.runs.findById(runId, tx))!;
      const progress = await this.repository.progress(runId, tx);
      // In flight, or tried with an unknown outcome on a stopping run: wait until it is resolved.
      const unresolved = progress.sending + (run.stopRequested ? progress.pendingAttempted : 0);
      if (run.status !== 'sending' || unresolved > 0) return null;
      if (run.stopRequested === 'pause') {
        await this.runs.update(run.id, { status: 'paused', stopRequested: null }, tx);
        await this.audit.record(
          {
            actorId: null,
            action: 'run.paused',
            entityType: 'campaign',
            entityId: run.campaignId,
            after: { runId: run.id, batchesDone: run.batchesDone },
          },
          tx,
        );
        return 'paused';
      }
      if (progress.pendingOrSending > 0 && !run.stopRequested) return null;

      const status = finalStatus(run.stopRequested, progress.accepted, progress.failed);
      await this.repository.releaseUnsentBatches(run.id, tx);
      // Contacts of batches that failed or were never sent got nothing: the send no longer counts against their cap.
      await this.frequencyCaps.releaseUndelivered(run.id, tx);
      // An A/B test's runs share the test's reservation: the last of them releases it.
      if (run.reservationId) await this.runs.releaseShared(run.reservationId, run.id, tx);
      await this.runs.update(
        run.id,
        { status, stopRequested: null, finishedAt: this.clock.now(), leaseOwner: null, leaseExpiresAt: null },
        tx,
      );
      await this.audit.record(
        {
          actorId: null,
          action: `run.${status}`,
          entityType: 'campaign',
          entityId: run.campaignId,
          after: {
            runId: run.id,
            status,
            delivered: run.delivered,
            failed: run.failed,
            batches: run.batches,
            batchesDone: run.batchesDone,
            actualMessages: run.actualMessages,
            actualCost: run.actualCost.toString(),
          },
          reason: run.stopRequested,
        },
        tx,
      );
      await this.runs.onRunFinished(run.id, tx);
      this.logger.log({ runId: run.id, status, delivered: run.delivered }, 'run finished');
      return status;
    });
  }
}

function finalStatus(stopRequested: string | null, accepted: number, failed: number): CampaignRunStatus {
  if (stopRequested === 'cancel') return 'cancelled';
  if (stopRequested === 'monthly_limit') return 'partial';
  if (stopRequested === 'unauthorized') return 'failed';
  if (failed > 0) return accepted > 0 ? 'partial' : 'failed';
  return 'completed';
}
