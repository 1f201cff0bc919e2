import { Injectable } from '@nestjs/common';
import { LedgerService } from '../billing/ledger.service';
import { UsageSettler } from '../ports/usage-settler';
import type { Transaction } from '../database/prisma.service';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { DispatchRepository } from './dispatch.repository';

/**
 * Moves what LINE accepted from the run's reservation into the month's usage and spend, and into
 * the run's progress, in bulk.
 * Until then the messages stay reserved, so the month's figures are never lower than the truth;
 * batches are marked settled in the same transaction, so nothing is counted twice.
 */
@Injectable()
export class RunSettlementService extends UsageSettler {
  constructor(
    private readonly repository: DispatchRepository,
    private readonly runs: CampaignRunsService,
    private readonly ledger: LedgerService,
  ) {
    super();
  }

  async settleAccount(lineAccountId: string): Promise<void> {
    for (const runId of await this.repository.runsWithUnsettledBatches(1000, lineAccountId)) await this.settle(runId);
  }

  async settle(runId: string): Promise<number> {
    return this.repository.transaction(async (tx) => {
      const run = await this.runs.findById(runId, tx);
      if (!run?.reservationId) return 0;
      const reservation = await this.ledger.findReservation(run.reservationId, tx);
      if (!reservation) return 0;
      await this.ledger.lockMonth(reservation.lineAccountId, reservation.month, tx);
      return this.settleLocked(run.id, run.reservationId, tx);
    });
  }

  /** With the reservation's month already locked (lock order: month, then batches, then run). Returns the messages settled. */
  async settleLocked(runId: string, reservationId: string, tx: Transaction): Promise<number> {
    const accepted = await this.repository.takeUnsettledProgress(runId, tx);
    if (accepted.messages === 0) return 0;
    const settled = await this.ledger.settleInTransaction(reservationId, accepted.messages, tx, {
      kind: 'campaign_send',
    });
    await this.runs.addRunProgress(
      runId,
      {
        batchesDone: accepted.batchesDone,
        delivered: accepted.delivered,
        failed: 0,
        messages: accepted.messages,
        cost: settled.settlementCost,
      },
      tx,
    );
    return accepted.messages;
  }
}
