import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { RunResponseDto } from '../campaigns/campaign-runs.dto';
import { CampaignReadsService } from '../campaigns/campaign-reads.service';
import { Clock } from '../common/clock';
import { DispatchRepository } from './dispatch.repository';

/**
 * POST /runs/:id/retry: a blocked or failed run goes through the budget gate again. A failed run
 * that delivered to anyone can't: sending it again would reach those recipients twice.
 */
@Injectable()
export class RunRetryService {
  constructor(
    private readonly repository: DispatchRepository,
    private readonly campaigns: CampaignReadsService,
    private readonly runs: CampaignRunsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async retry(actor: AuthUser, runId: string): Promise<RunResponseDto> {
    const found = await this.runs.findById(runId);
    if (!found) throw ApiError.notFound(`run ${runId}`);
    await this.repository.transaction(async (tx) => {
      const campaign = await this.campaigns.lockById(found.campaignId, tx);
      await this.runs.lockRun(runId, tx);
      const run = (await this.runs.findById(runId, tx))!;
      if (run.status !== 'blocked' && run.status !== 'failed') {
        throw ApiError.conflict(`only a blocked or failed run can be retried; this one is ${run.status}`);
      }
      if (!campaign || campaign.approvedVersion !== run.campaignVersion) {
        throw ApiError.conflict(
          'the campaign changed or lost its approval since this run was approved; submit it for approval again',
        );
      }
      if ((await this.repository.progress(runId, tx)).accepted > 0 || run.delivered > 0) {
        throw ApiError.conflict('part of this run was delivered; retrying it would send to those recipients twice');
      }
      const remainder = await this.runs.findDeferredFrom(runId, tx);
      if (remainder)
        throw ApiError.conflict(
          `the rest of this run was deferred as run ${remainder.id}; sending this one again would snapshot the audience anew and could reach that rest twice: withdraw the campaign and submit it again`,
        );
      // An A/B test's runs hold their groups of one snapshot: only its remainder (its carried rows) goes again.
      if (run.abTestRunId && run.trigger !== 'ab_remainder')
        throw ApiError.conflict(
          `this run is a part of an A/B test (run ${run.abTestRunId}); sending it again would snapshot the audience anew and reach the test's other groups twice: withdraw the campaign and submit it again`,
        );
      // A deferred remainder's recipients are its carried rows; any other run snapshots its audience again.
      if (run.deferredFromRunId || run.trigger === 'ab_remainder') await this.repository.resetBatches(runId, tx);
      else await this.repository.dropBatches(runId, tx);
      await this.runs.update(
        runId,
        {
          status: 'scheduled',
          scheduledAt: this.clock.now(),
          finishedAt: null,
          startedAt: null,
          blockReasons: [],
          batches: 0,
          batchesDone: 0,
          failed: 0,
          recipients: 0,
          reservationId: null,
          reservedMessages: 0,
          reservedCost: 0,
        },
        tx,
      );
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'run.retried',
          entityType: 'campaign',
          entityId: run.campaignId,
          before: { runId, status: run.status, blockReasons: run.blockReasons },
        },
        tx,
      );
    });
    return this.runs.get(runId);
  }
}
