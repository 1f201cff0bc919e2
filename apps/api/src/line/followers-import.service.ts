import { setTimeout as delay } from 'node:timers/promises';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { FollowersImportJobRow, FollowersImportJobsRepository } from './followers-import-jobs.repository';
import { FollowersImportRunnerService } from './followers-import-runner.service';
import { FollowersImportJobResponseDto, FollowersImportResponseDto } from './line.dto';
import { toImportResponse, toJobResponse } from './line.mapper';

/**
 * Followers imports as jobs: the API starts one (or answers with the one running) and reads its
 * progress; the runner pages through LINE in the background. Every import, whoever asks for it,
 * goes through a job, so one account never has two.
 */
@Injectable()
export class FollowersImportService {
  constructor(
    private readonly accounts: LineAccountsService,
    private readonly jobs: FollowersImportJobsRepository,
    private readonly runner: FollowersImportRunnerService,
  ) {}

  /** `POST …/followers-import`: a new job, or the account's running one. */
  async start(actor: AuthUser, lineAccountId: string): Promise<FollowersImportJobResponseDto> {
    await this.accounts.mustFind(lineAccountId);
    const { job, created } = await this.jobs.startOrFindRunning(lineAccountId, 'manual', actor.id);
    if (created) this.runner.wake();
    return toJobResponse(job);
  }

  async get(lineAccountId: string, jobId: string): Promise<FollowersImportJobResponseDto> {
    await this.accounts.mustFind(lineAccountId);
    const job = await this.jobs.find(lineAccountId, jobId);
    if (!job) throw ApiError.notFound('followers import job');
    return toJobResponse(job);
  }

  async latest(lineAccountId: string): Promise<FollowersImportJobResponseDto> {
    await this.accounts.mustFind(lineAccountId);
    const job = await this.jobs.latest(lineAccountId);
    if (!job) throw ApiError.notFound('followers import job (the account has none yet)');
    return toJobResponse(job);
  }

  /**
   * Imports the account's followers and returns when done: runs the job in this process (or waits
   * for the instance already running the account's job). A failed job is a 502 with its error.
   */
  async import(lineAccountId: string, trigger = 'start'): Promise<FollowersImportResponseDto> {
    await this.accounts.mustFind(lineAccountId);
    const { job } = await this.jobs.startOrFindRunning(lineAccountId, trigger, null);
    let done: FollowersImportJobRow | null;
    for (;;) {
      // Null: held elsewhere (another worker, or an instance that died, whose lease this takes over once it runs out).
      const ran = await this.runner.runHere(job.id);
      if (ran === 'released')
        throw new ApiError(
          HttpStatus.SERVICE_UNAVAILABLE,
          'the service is stopping; the import goes on at its next start',
        );
      done = await this.jobs.find(lineAccountId, job.id);
      if (done?.state !== 'running') break;
      await delay(200);
    }
    if (!done) throw ApiError.notFound('followers import job');
    if (done.state === 'failed')
      throw new ApiError(HttpStatus.BAD_GATEWAY, done.error ?? 'the followers import failed', [
        { field: 'lineAccountId', problem: 'LINE did not list its followers' },
      ]);
    return toImportResponse(done);
  }
}
