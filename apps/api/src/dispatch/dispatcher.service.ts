import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { RunStarter, RunStartOutcome } from '../ports/run-starter';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import { instanceName, WorkerLoops } from '../common/worker-loops';
import { BatchSenderService } from './batch-sender.service';
import { BudgetGateService } from './budget-gate.service';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { ClaimedBatch, DispatchRepository } from './dispatch.repository';
import { RunFinisherService } from './run-finisher.service';
import { RunSettlementService } from './run-settlement.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { AbTestDeciderService } from './ab-test-decider.service';

type LoopKind = 'scheduler' | 'worker';

/**
 * This instance's part of the sending pipeline: a scheduler loop that gates due runs and finishes
 * done ones, and worker loops that claim and send batches. Any number of instances run the same
 * loops against one database; PostgreSQL (row locks, SKIP LOCKED, leases) keeps them apart.
 */
@Injectable()
export class DispatcherService extends RunStarter implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DispatcherService.name);
  /** Names this instance in leases and in `sent_by`, so a test or an operator can tell instances apart. */
  readonly instanceId = instanceName();
  private readonly loops: WorkerLoops<LoopKind>;

  constructor(
    private readonly repository: DispatchRepository,
    private readonly runs: CampaignRunsService,
    private readonly gate: BudgetGateService,
    private readonly sender: BatchSenderService,
    private readonly finisher: RunFinisherService,
    private readonly config: AppConfigService,
    private readonly settlement: RunSettlementService,
    private readonly clock: Clock,
    private readonly accounts: LineAccountsService,
    private readonly abTests: AbTestDeciderService,
  ) {
    super();
    this.loops = new WorkerLoops(this.logger, config.values.dispatch.pollMs);
  }

  /** send-now: the budget gate at once, in the caller's request, then this instance's workers start. */
  async startNow(runId: string, campaignId: string): Promise<RunStartOutcome> {
    if (!this.config.values.dispatch.enabled) return 'scheduled';
    const outcome = await this.gate.gate(runId, campaignId);
    if (outcome === 'sending') this.loops.wake('worker');
    return outcome === 'skipped' ? 'scheduled' : outcome;
  }

  onApplicationBootstrap(): void {
    if (this.config.values.dispatch.enabled) this.start();
  }

  /** Before the database client closes: in-flight batches finish and are recorded. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.loops.running) return;
    const workers = Array.from({ length: this.config.values.dispatch.workers }, (_, i) => ({
      name: `dispatch worker ${i}`,
      kind: 'worker' as const,
      tick: () => this.workerTick(),
    }));
    this.loops.start([{ name: 'dispatch scheduler', kind: 'scheduler', tick: () => this.schedulerTick() }, ...workers]);
    this.logger.log({ instanceId: this.instanceId, workers: this.config.values.dispatch.workers }, 'dispatch started');
  }

  /** Lets in-flight batches finish (their results are recorded), then returns. */
  stop(): Promise<void> {
    return this.loops.stop();
  }

  /** One pass of the scheduler: gate what is due, settle what was sent, finish what is done. True when it gated or finished a run. */
  async schedulerTick(): Promise<boolean> {
    let worked = (await this.repository.reclaimExpiredLeases()) > 0;
    // Accounts whose quiet window ended (or began) get their next one; an account open again has
    // batches for the workers, and due runs for the gate below.
    if ((await this.accounts.refreshQuietWindows(this.clock.now())) > 0) this.loops.wake('worker');
    // A/B tests whose wait is over get their winner; a decided remainder is due for the gate below.
    worked = (await this.abTests.decideDue(this.instanceId)) || worked;
    for (const run of await this.runs.dueRuns(this.clock.now(), 20)) {
      const outcome = await this.gate.gate(run.id, run.campaignId);
      // This instance's workers start on the new batches now rather than at their next poll.
      if (outcome === 'sending') this.loops.wake('worker');
      worked = outcome !== 'skipped' || worked;
    }
    // Settling doesn't count as work: while a run sends there is always something to settle, and
    // settling once a poll interval keeps the ledger current without a busy loop beside the workers.
    for (const runId of await this.repository.runsWithUnsettledBatches(20)) await this.settlement.settle(runId);
    for (const run of await this.repository.runsToFinish(20)) {
      worked = (await this.finisher.finish(run.id, run.campaignId)) !== null || worked;
    }
    return worked;
  }

  /** Claims and sends batches while there are any; false when there was none. */
  async workerTick(): Promise<boolean> {
    const batch = await this.repository.claimBatch(
      this.instanceId,
      this.config.values.dispatch.leaseSeconds,
      this.clock.now(),
    );
    if (!batch) return false;
    // Each accepted batch hands over the next one, claimed in the statement that closed it.
    for (let next: ClaimedBatch | null = batch; next;)
      next = await this.sender.send(next, this.instanceId, this.loops.running);
    // The chain ends when the queue ran dry (or a batch is to be retried): a run may be ready to
    // finish, so the scheduler looks now rather than at its next poll.
    this.loops.wake('scheduler');
    return true;
  }
}
