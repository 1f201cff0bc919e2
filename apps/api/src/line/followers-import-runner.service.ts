import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { describeOutcome, isRetryableOutcome, LineClient, LineFollowerPage, LineOutcome } from '@lcm/line-client';
import { retryDelayMs, TokenBucket } from '@lcm/domain/dispatch';
import { FollowerPaging } from '@lcm/domain/followers';
import { Clock } from '../common/clock';
import { instanceName, WorkerLoops } from '../common/worker-loops';
import { AppConfigService } from '../config/config.service';
import { ContactsService } from '../contacts/contacts.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { FollowersImportJobRow, FollowersImportJobsRepository, PageProgress } from './followers-import-jobs.repository';
import { LineGateway } from './line-gateway';

const PAGE_SIZE = 1000; // LINE's maximum for GET /v2/bot/followers/ids

/** How a run of a job on this instance ended. */
export type JobRunEnd = 'ended' | 'released' | 'lost';

class LeaseLost extends Error {}

type PageRead = { kind: 'accepted'; page: LineFollowerPage } | { kind: 'failed'; error: string } | { kind: 'stopped' };
const STOPPED: PageRead = { kind: 'stopped' };

/**
 * Runs followers import jobs in the background: this instance's workers claim a job (a new one, or
 * one whose instance died, once its lease expired) and page through LINE's follower ids from the
 * job's stored cursor. Each page's contacts and the job's progress commit together, so a crash
 * loses at most the page in flight, which the next owner reads again.
 */
@Injectable()
export class FollowersImportRunnerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FollowersImportRunnerService.name);
  readonly instanceId = instanceName();
  private stopping = false;
  /** Idle workers sleep as `idle` (a new job or the stop wakes them), jobs' waits as `wait` (only the stop cuts them short). */
  private readonly loops: WorkerLoops<'idle' | 'wait'>;

  constructor(
    private readonly jobs: FollowersImportJobsRepository,
    private readonly contacts: ContactsService,
    private readonly accounts: LineAccountsService,
    private readonly gateway: LineGateway,
    private readonly config: AppConfigService,
    private readonly clock: Clock,
  ) {
    this.loops = new WorkerLoops(this.logger, config.values.followersImport.pollMs);
  }

  onApplicationBootstrap(): void {
    const { workers } = this.config.values.followersImport;
    this.loops.start(
      Array.from({ length: workers }, (_, i) => ({
        name: `followers import worker ${i}`,
        kind: 'idle' as const,
        tick: () => this.claimAndRun(),
      })),
    );
  }

  /** Before the database client closes: a job in flight finishes its page, then gives its lease up. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.loops.stop();
  }

  /** A job was created: an idle worker of this instance starts on it now rather than at its next poll. */
  wake(): void {
    this.loops.wake('idle');
  }

  /**
   * Claims the job and runs it here to its end, in the caller's time (no worker needed). Null when
   * another worker or instance holds it.
   */
  async runHere(jobId: string): Promise<JobRunEnd | null> {
    const job = await this.jobs.claim(this.instanceId, this.config.values.followersImport.leaseSeconds, jobId);
    return job ? this.run(job) : null;
  }

  /** A worker's tick: claims a job and runs it. A job that failed here is handed back for another try. */
  private async claimAndRun(): Promise<boolean> {
    const job = await this.jobs.claim(this.instanceId, this.config.values.followersImport.leaseSeconds);
    if (!job) return false;
    try {
      await this.run(job);
    } catch (error) {
      this.logger.error({ err: error, jobId: job.id }, 'followers import worker failed; retrying');
      await this.jobs.release(job.id, this.instanceId).catch(() => undefined);
    }
    return true;
  }

  /** Pages from the job's cursor until the list ends, the job fails, this instance stops or the lease is lost. */
  private async run(job: FollowersImportJobRow): Promise<JobRunEnd> {
    const settings = this.config.values.followersImport;
    const log = { jobId: job.id, lineAccountId: job.lineAccountId, instanceId: this.instanceId };
    const account = await this.accounts.mustFind(job.lineAccountId);
    const client = this.gateway.clientFor(account);
    const paging = new FollowerPaging(settings.maxPages, job.nextCursor);
    const pace = new TokenBucket(settings.pagesPerSecond, 1, this.clock.elapsedMs());
    let { pages, idsSeen, nextCursor: start } = job;
    this.logger.log({ ...log, pages, idsSeen }, pages ? 'followers import resumed' : 'followers import started');
    try {
      for (;;) {
        await this.wait(pace.reserve(this.clock.elapsedMs()));
        const read = this.stopping ? STOPPED : await this.readPage(job, client, start, pages + 1);
        if (read.kind === 'stopped') {
          await this.jobs.release(job.id, this.instanceId);
          this.logger.log({ ...log, pages, idsSeen }, 'followers import handed back: this instance is stopping');
          return 'released';
        }
        if (read.kind === 'failed') {
          if (!(await this.jobs.fail(job.id, this.instanceId, read.error))) throw new LeaseLost();
          this.logger.warn({ ...log, pages, idsSeen, error: read.error }, 'followers import failed');
          return 'ended';
        }
        const { userIds, next } = read.page;
        const stop = paging.stopReason(pages + 1, next);
        const progress: Omit<PageProgress, 'created' | 'updated'> = {
          nextCursor: next,
          ids: userIds.length,
          state: stop ? 'failed' : next === null ? 'completed' : 'running',
          error: stop ?? undefined,
        };
        await this.jobs.transaction(async (tx) => {
          const counts = await this.contacts.upsertFollowers(job.lineAccountId, userIds, job.startedAt, tx);
          if (
            !(await this.jobs.recordPage(
              job.id,
              this.instanceId,
              settings.leaseSeconds,
              { ...progress, ...counts },
              tx,
            ))
          )
            throw new LeaseLost(); // rolls the page's contacts back with it
        });
        pages++;
        idsSeen += userIds.length;
        start = next;
        if (progress.state !== 'running') {
          const level = progress.state === 'failed' ? 'warn' : 'log';
          this.logger[level](
            { ...log, pages, idsSeen, ...(stop ? { reason: stop } : {}) },
            `followers import ${progress.state}`,
          );
          return 'ended';
        }
        if (pages % 100 === 0) this.logger.log({ ...log, pages, idsSeen }, `followers import: ${idsSeen} ids so far`);
      }
    } catch (error) {
      if (!(error instanceof LeaseLost)) throw error;
      this.logger.warn({ ...log, pages }, 'followers import lease lost: another instance took the job over');
      return 'lost';
    }
  }

  /**
   * One page, waiting out rate limits and retrying server errors and time-outs with back-off (the
   * lease renewed meanwhile). A refusal, or too many failed attempts, is the job's error.
   */
  private async readPage(
    job: FollowersImportJobRow,
    client: LineClient,
    start: string | null,
    pageNo: number,
  ): Promise<PageRead> {
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.config.values.dispatch;
    const { leaseSeconds } = this.config.values.followersImport;
    for (let attempt = 1; ; attempt++) {
      const outcome: LineOutcome<LineFollowerPage> = await client.getFollowerIds({
        start: start ?? undefined,
        limit: PAGE_SIZE,
      });
      if (outcome.kind === 'accepted') return { kind: 'accepted', page: outcome.value };
      const failure = `LINE's follower list could not be read at page ${pageNo}: ${describeOutcome(outcome)}`;
      if (!isRetryableOutcome(outcome)) return { kind: 'failed', error: failure };
      if (attempt >= maxAttempts) return { kind: 'failed', error: `${failure} (after ${attempt} attempts)` };
      const backoff = retryDelayMs(attempt, { baseMs: retryBaseMs, maxMs: retryMaxMs });
      await this.wait(outcome.kind === 'rate_limited' ? Math.max(outcome.retryAfterMs, backoff) : backoff);
      if (this.stopping) return STOPPED;
      if (!(await this.jobs.renewLease(job.id, this.instanceId, leaseSeconds))) throw new LeaseLost();
    }
  }

  /** A job's wait (pacing, back-off): cut short by the stop, and none once stopping. */
  private wait(ms: number): Promise<void> {
    return this.stopping ? Promise.resolve() : this.loops.sleep('wait', ms);
  }
}
