import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfigService } from '../config/config.module';
import { BatchSenderService } from './batch-sender.service';
import { BudgetGateService } from './budget-gate.service';
import { DispatchRepository } from './dispatch.repository';
import { RunFinisherService } from './run-finisher.service';
import { RunSettlementService } from './run-settlement.service';

/**
 * This instance's part of the sending pipeline: a scheduler loop that gates due runs and finishes
 * done ones, and worker loops that claim and send batches. Any number of instances run the same
 * loops against one database; PostgreSQL (row locks, SKIP LOCKED, leases) keeps them apart.
 */
@Injectable()
export class DispatcherService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DispatcherService.name);
  /** Names this instance in leases and in `sent_by`, so a test or an operator can tell instances apart. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private running = false;
  private loops: Promise<void>[] = [];
  private wake: (() => void)[] = [];

  constructor(
    private readonly repository: DispatchRepository,
    private readonly gate: BudgetGateService,
    private readonly sender: BatchSenderService,
    private readonly finisher: RunFinisherService,
    private readonly config: AppConfigService,
    private readonly settlement: RunSettlementService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.values.dispatch.enabled) this.start();
  }

  /** Before the database client closes: in-flight batches finish and are recorded. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = [this.loop('scheduler', () => this.schedulerTick())];
    for (let i = 0; i < this.config.values.dispatch.workers; i++) this.loops.push(this.loop(`worker ${i}`, () => this.workerTick()));
    this.logger.log({ instanceId: this.instanceId, workers: this.config.values.dispatch.workers }, 'dispatch started');
  }

  /** Lets in-flight batches finish (their results are recorded), then returns. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wake.splice(0)) wake();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** One pass of the scheduler: gate what is due, finish what is done. Returns whether it did anything. */
  async schedulerTick(): Promise<boolean> {
    let worked = (await this.repository.reclaimExpiredLeases()) > 0;
    for (const run of await this.repository.dueRuns(20)) {
      worked = (await this.gate.gate(run.id, run.campaignId)) !== 'skipped' || worked;
    }
    for (const runId of await this.repository.runsWithUnsettledBatches(20)) {
      worked = (await this.settlement.settle(runId)) > 0 || worked;
    }
    for (const run of await this.repository.runsToFinish(20)) {
      worked = (await this.finisher.finish(run.id, run.campaignId)) !== null || worked;
    }
    return worked;
  }

  /** Claims and sends one batch; false when there was none. */
  async workerTick(): Promise<boolean> {
    const batch = await this.repository.claimBatch(this.instanceId, this.config.values.dispatch.leaseSeconds);
    if (!batch) return false;
    await this.sender.send(batch, this.instanceId);
    return true;
  }

  private async loop(name: string, tick: () => Promise<boolean>): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await tick();
      } catch (error) {
        this.logger.error({ err: error, loop: name }, `dispatch ${name} failed; retrying`);
      }
      if (!worked && this.running) await this.sleep(this.config.values.dispatch.pollMs);
    }
  }

  /** Waits `ms`, or less when stop() wakes the loop. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = this.wake.filter((wake) => wake !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.push(done);
    });
  }
}
