import { Injectable } from '@nestjs/common';
import type { CampaignRun } from '@lcm/database';
import { formatLocalDateTime, isRecurring, quietAt, QuietHours, QuietWindow } from '@lcm/domain/schedules';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import { RunResponseDto } from './campaign-runs.dto';
import { CampaignRunsService } from './campaign-runs.service';
import { scheduleOf } from './campaign-schedule';
import { CampaignWorkflowService } from './campaign-workflow.service';
import { CampaignSendNowDto } from './campaigns.dto';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { quietHoursOf } from '../line-accounts/line-accounts.mapper';
import { CampaignsRepository } from './campaigns.repository';
import { RunStarter } from '../ports/run-starter';

/**
 * A run due now under the approval in force, taken at once through the same budget gate as any
 * run: a blocked send is refused with 422 and the run with its reasons (the refusal stays on
 * record). A one-off (or unscheduled) campaign sends once per approval: its waiting run is
 * brought forward; once it ran, a blocked or failed run is retried with POST /runs/:id/retry. A
 * recurring one gets an extra run, one at a time. So of many send-nows at once exactly one wins: the
 * others wait for the campaign's row lock, then find its run and get 409.
 * On an instance that doesn't dispatch, the scheduler of one that does gates it.
 */
@Injectable()
export class CampaignSendNowService {
  constructor(
    private readonly repository: CampaignsRepository,
    private readonly workflow: CampaignWorkflowService,
    private readonly runs: CampaignRunsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly runStarter: RunStarter,
    private readonly accounts: LineAccountsService,
  ) {}

  async sendNow(actor: AuthUser, id: string, dto: CampaignSendNowDto): Promise<RunResponseDto> {
    if (dto.overrideQuietHours && actor.role !== 'approver' && actor.role !== 'admin')
      throw ApiError.forbidden('only approvers and admins may override quiet hours');
    const due = await this.repository.transaction(async (tx) => {
      const campaign = await this.workflow.lockForAction('send_now', id, dto.version, tx);
      const now = this.clock.now();
      const account = await this.accounts.mustFind(campaign.lineAccountId, tx);
      const quietHours = quietHoursOf(account);
      const quiet = quietAt(now, quietHours, account.timezone);
      const override = quiet !== null && dto.overrideQuietHours === true;
      if (quiet && !override) throw quietHoursRefusal(quietHours!, quiet, account.timezone);
      if (override && !dto.reason?.trim())
        throw ApiError.field('reason', 'is required to override quiet hours: say why this send cannot wait');
      let run: CampaignRun;
      if (isRecurring(scheduleOf(campaign))) {
        const under = await this.runs.findForCampaign(id, ['scheduled', 'sending'], tx, campaign.approvedVersion!);
        const extra = under.find((candidate) => candidate.trigger === 'send_now');
        if (extra) throw alreadyUnderWay(extra);
        run = await this.runs.create(campaign, now, 'send_now', actor.id, tx, override);
      } else {
        const runs = await this.runs.findForCampaign(
          id,
          ['scheduled', 'sending', 'paused', 'completed', 'partial', 'blocked', 'failed'],
          tx,
          campaign.approvedVersion!,
        );
        const waiting = runs.find((candidate) => candidate.status === 'scheduled');
        if (waiting?.trigger === 'send_now') throw alreadyUnderWay(waiting);
        // The rest of a deferred send waits for the reset on purpose: sending it now would pay for it.
        if (waiting?.trigger === 'ab_remainder')
          throw ApiError.conflict(
            `this campaign's A/B test is under way: its remainder (run ${waiting.id}) gets the winner at ${waiting.scheduledAt.toISOString()} or later`,
            [{ field: 'status', problem: `run ${waiting.id} waits for the A/B test's winner` }],
          );
        if (waiting?.trigger === 'deferred')
          throw ApiError.conflict(
            `the rest of this campaign's send is deferred to the monthly reset (run ${waiting.id}, at ${waiting.scheduledAt.toISOString()}); it goes then`,
            [{ field: 'status', problem: `run ${waiting.id} is deferred` }],
          );
        if (waiting) run = await this.runs.bringForward(waiting, now, actor.id, tx, override);
        else if (runs.length) {
          throw ApiError.conflict(
            `this campaign's send already ran under its approval (run ${runs[0].id} is ${runs[0].status}); retry a blocked or failed run with POST /runs/:id/retry`,
            [{ field: 'status', problem: `run ${runs[0].id} is ${runs[0].status}` }],
          );
        } else run = await this.runs.create(campaign, now, 'send_now', actor.id, tx, override);
      }
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'campaign.send_now',
          entityType: 'campaign',
          entityId: id,
          reason: dto.reason ?? null,
          after: { status: campaign.status, run: { id: run.id, scheduledAt: run.scheduledAt } },
        },
        tx,
      );
      if (override)
        await this.audit.record(
          {
            actorId: actor.id,
            action: 'campaign.quiet_hours_overridden',
            entityType: 'campaign',
            entityId: id,
            reason: dto.reason!,
            after: {
              run: { id: run.id },
              quietHours,
              timezone: account.timezone,
              quietUntil: quiet!.end.toISOString(),
            },
          },
          tx,
        );
      return run;
    });
    const outcome = await this.runStarter.startNow(due.id, due.campaignId);
    const run = await this.runs.get(due.id);
    // A scheduler (this instance's or another's) may have gated the run between its commit above and
    // this gate, which then skips it: the answer is still the gate's verdict, never a 202 for a blocked run.
    if (outcome === 'blocked' || run.status === 'blocked') {
      const reasons = run.blockReasons.map((reason, index) => ({
        field: `run.blockReasons[${index}]`,
        problem: reason.message,
      }));
      throw ApiError.unprocessable(
        `the budget gate refused this send (${run.blockReasons.map((reason) => reason.code).join(', ')}): ` +
          reasons.map((reason) => reason.problem).join(' '),
        reasons,
        { run },
      );
    }
    return run;
  }
}

/** A second send-now while the first one's run hasn't gone through the gate (or is still sending). */
function alreadyUnderWay(run: CampaignRun): ApiError {
  return ApiError.conflict(`a send-now of this campaign is already under way (run ${run.id} is ${run.status})`, [
    { field: 'status', problem: `run ${run.id} is ${run.status}` },
  ]);
}

/** send-now inside quiet hours: refused with the time the send would go, and how to send anyway. */
function quietHoursRefusal(quietHours: QuietHours, window: QuietWindow, timeZone: string): ApiError {
  const local = formatLocalDateTime(window.end, timeZone);
  const problem =
    `quiet hours (${quietHours.start}–${quietHours.end}, ${timeZone}) are in force until ${local}: ` +
    'send-now then, or send now anyway with {"overrideQuietHours": true, "reason": "…"} (approvers and admins)';
  return ApiError.unprocessable(
    `this send would go at ${local}, when the account's quiet hours end`,
    [{ field: 'overrideQuietHours', problem }],
    { sendsAt: window.end.toISOString(), sendsAtLocal: local },
  );
}
