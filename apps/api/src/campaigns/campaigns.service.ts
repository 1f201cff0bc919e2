import { HttpStatus, Injectable } from '@nestjs/common';
import type { Campaign, CampaignRun, Prisma } from '@lcm/database';
import { requestsPerRecipient, validateLineMessages } from '@lcm/domain/line-messages';
import { money } from '@lcm/domain/money';
import { CampaignSchedule, firstSendAt, isRecurring, scheduleProblems } from '@lcm/domain/schedules';
import { ApiError, FieldProblem } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, toPage } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import { AudiencesService } from '../audiences/audiences.service';
import type { ComputedForecast, ForecastResponse } from '../billing/forecast-engine';
import type { Transaction } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { CampaignForecaster } from './campaign-forecaster';
import { RunResponseDto } from './campaign-runs.dto';
import { CampaignRunsService } from './campaign-runs.service';
import { scheduleColumns, scheduleFromDto, scheduleOf, scheduleResponse } from './campaign-schedule';
import { CampaignAction, assertMayDo, WORKFLOW, wrongStatus } from './campaign-workflow';
import {
  CampaignApproveDto,
  CampaignAuditResponseDto,
  CampaignCreateDto,
  CampaignListQueryDto,
  CampaignRejectDto,
  CampaignResponseDto,
  CampaignTransitionDto,
  CampaignUpdateDto,
  OverBudgetPolicy,
} from './campaigns.dto';
import { CampaignsRepository } from './campaigns.repository';
import { RunStarter } from './run-starter';

/** Columns of the approval in force; withdrawing clears them. */
const NO_APPROVAL = {
  approvedById: null,
  approvedAt: null,
  approvalComment: null,
  approvedVersion: null,
  approvedForecastId: null,
  approvedRecipients: null,
  approvedMessages: null,
  approvedCost: null,
} satisfies Prisma.CampaignUncheckedUpdateManyInput;

const NO_SUBMISSION = {
  submittedById: null,
  submittedAt: null,
  submissionForecastId: null,
} satisfies Prisma.CampaignUncheckedUpdateManyInput;

/**
 * Campaigns and their approval workflow (see campaign-workflow.ts). Marketers write and submit,
 * approvers decide, never on a campaign they created or last edited; every transition is audited
 * with its actor, reason and forecast.
 */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly repository: CampaignsRepository,
    private readonly runs: CampaignRunsService,
    private readonly forecaster: CampaignForecaster,
    private readonly accounts: LineAccountsService,
    private readonly audiences: AudiencesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly runStarter: RunStarter,
  ) {}

  async create(actor: AuthUser, dto: CampaignCreateDto): Promise<CampaignResponseDto> {
    const account = await this.accounts.mustFind(dto.lineAccountId).catch((error: unknown) => {
      throw isNotFound(error) ? ApiError.field('lineAccountId', 'no such LINE account') : error;
    });
    const schedule = scheduleFromDto(dto.schedule);
    await this.checkContent(account.id, { audienceId: dto.audienceId, messages: dto.messages, schedule });
    return this.repository.transaction(async (tx) => {
      const campaign = await this.repository.create(
        {
          lineAccountId: account.id,
          audienceId: dto.audienceId,
          name: dto.name,
          messages: dto.messages as Prisma.InputJsonValue,
          ...scheduleColumns(schedule),
          maxRecipients: dto.maxRecipients ?? null,
          costCap: dto.costCap ?? null,
          overBudgetPolicy: dto.overBudgetPolicy ?? 'block',
          createdById: actor.id,
          lastEditedById: actor.id,
        },
        tx,
      );
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'campaign.created',
          entityType: 'campaign',
          entityId: campaign.id,
          after: contentOf(campaign),
        },
        tx,
      );
      return toCampaignResponse(campaign, account.currency);
    });
  }

  async list(query: CampaignListQueryDto): Promise<Page<CampaignResponseDto>> {
    const rows = await this.repository.list(query);
    const accounts = await Promise.all(
      [...new Set(rows.map((row) => row.lineAccountId))].map((id) => this.accounts.mustFind(id)),
    );
    const currencies = new Map(accounts.map((account) => [account.id, account.currency]));
    return toPage(rows, query, (campaign) => toCampaignResponse(campaign, currencies.get(campaign.lineAccountId)!));
  }

  async get(id: string): Promise<CampaignResponseDto> {
    return this.respond(await this.mustFind(id));
  }

  /** Drafts only, at the version read; the editor becomes the last editor, who may not approve. */
  async update(actor: AuthUser, id: string, dto: CampaignUpdateDto): Promise<CampaignResponseDto> {
    const before = await this.mustFind(id);
    assertMayDo('edit', before.status);
    if (before.version !== dto.version) throw ApiError.staleVersion('campaign', before.version);
    const schedule = dto.schedule === undefined ? undefined : scheduleFromDto(dto.schedule);
    await this.checkContent(before.lineAccountId, { audienceId: dto.audienceId, messages: dto.messages, schedule });
    const changes: Prisma.CampaignUncheckedUpdateManyInput = {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.audienceId !== undefined ? { audienceId: dto.audienceId } : {}),
      ...(dto.messages !== undefined ? { messages: dto.messages as Prisma.InputJsonValue } : {}),
      ...(schedule !== undefined ? scheduleColumns(schedule) : {}),
      ...(dto.maxRecipients !== undefined ? { maxRecipients: dto.maxRecipients } : {}),
      ...(dto.costCap !== undefined ? { costCap: dto.costCap } : {}),
      ...(dto.overBudgetPolicy !== undefined ? { overBudgetPolicy: dto.overBudgetPolicy } : {}),
      lastEditedById: actor.id,
    };
    return this.repository.transaction(async (tx) => {
      const after = await this.transition(before, 'edit', changes, tx, dto.version);
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'campaign.updated',
          entityType: 'campaign',
          entityId: id,
          before: contentOf(before),
          after: contentOf(after),
        },
        tx,
      );
      return this.respond(after);
    });
  }

  /** The forecast of the campaign's next send, stored as a preview with its inputs. */
  async forecast(actor: AuthUser, id: string): Promise<ForecastResponse> {
    const campaign = await this.mustFind(id);
    const computed = await this.forecaster.compute(campaign, this.nextSendAt(campaign));
    await this.forecaster.store(campaign, computed, 'preview', actor.id);
    return computed.response;
  }

  /** Draft → pending_approval, with a forecast snapshot of the content submitted. */
  async submit(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<CampaignResponseDto> {
    const campaign = await this.mustFind(id);
    this.checkAction('submit', campaign, dto.version);
    this.assertScheduleAhead(campaign, 'submitting');
    const computed = await this.forecaster.compute(campaign, this.nextSendAt(campaign));
    return this.repository.transaction(async (tx) => {
      const forecastId = await this.forecaster.store(campaign, computed, 'submission', actor.id, tx);
      const after = await this.transition(
        campaign,
        'submit',
        { submittedById: actor.id, submittedAt: this.clock.now(), submissionForecastId: forecastId },
        tx,
      );
      await this.recordTransition(actor, 'campaign.submitted', campaign, after, tx, {
        reason: dto.reason,
        forecast: summarize(forecastId, computed),
      });
      return this.respond(after);
    });
  }

  /**
   * Approves the content as submitted (the version must not have moved since it was read) at the
   * cost forecast now, and creates the first run. Two approvers at once: PostgreSQL lets one
   * conditional UPDATE through; the other gets 409 and its transaction, forecast included, rolls back.
   */
  async approve(actor: AuthUser, id: string, dto: CampaignApproveDto): Promise<CampaignResponseDto> {
    const campaign = await this.mustFind(id);
    this.checkAction('approve', campaign, dto.version);
    assertIndependent(actor, campaign, 'approve');
    this.assertScheduleAhead(campaign, 'approving');
    const now = this.clock.now();
    const sendAt = firstSendAt(scheduleOf(campaign), now);
    const computed = await this.forecaster.compute(campaign, sendAt);
    return this.repository.transaction(async (tx) => {
      const forecastId = await this.forecaster.store(campaign, computed, 'approval', actor.id, tx);
      const after = await this.transition(
        campaign,
        'approve',
        {
          approvedById: actor.id,
          approvedAt: now,
          approvalComment: dto.comment ?? null,
          approvedVersion: campaign.version + 1, // the version this update gives the campaign
          approvedForecastId: forecastId,
          approvedRecipients: computed.response.recipients,
          approvedMessages: computed.response.messages,
          approvedCost: computed.response.cost.amount,
        },
        tx,
      );
      const run = sendAt ? await this.runs.create(after, sendAt, 'schedule', actor.id, tx) : null;
      await this.recordTransition(actor, 'campaign.approved', campaign, after, tx, {
        reason: dto.comment,
        forecast: summarize(forecastId, computed),
        runs: run ? [{ id: run.id, scheduledAt: run.scheduledAt }] : [],
      });
      return this.respond(after);
    });
  }

  /** Pending → draft with the approver's reason, shown on the campaign until it is approved. */
  async reject(actor: AuthUser, id: string, dto: CampaignRejectDto): Promise<CampaignResponseDto> {
    const campaign = await this.mustFind(id);
    this.checkAction('reject', campaign, dto.version);
    assertIndependent(actor, campaign, 'reject');
    return this.repository.transaction(async (tx) => {
      const after = await this.transition(
        campaign,
        'reject',
        { ...NO_SUBMISSION, rejectedById: actor.id, rejectedAt: this.clock.now(), rejectionReason: dto.reason },
        tx,
      );
      await this.recordTransition(actor, 'campaign.rejected', campaign, after, tx, { reason: dto.reason });
      return this.respond(after);
    });
  }

  /** Back to draft so the content can change: the approval is discarded and its waiting runs cancelled. */
  async withdraw(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<CampaignResponseDto> {
    return this.repository.transaction(async (tx) => {
      const campaign = await this.lockForAction('withdraw', id, dto.version, tx);
      const sending = await this.runs.findForCampaign(id, ['sending'], tx);
      if (sending.length)
        throw ApiError.conflict(`run ${sending[0].id} is sending; pause or cancel the campaign before withdrawing it`, [
          { field: 'status', problem: 'a run is sending' },
        ]);
      const { cancelled } = await this.runs.cancelAll(id, this.clock.now(), tx);
      const after = await this.transition(campaign, 'withdraw', { ...NO_APPROVAL, ...NO_SUBMISSION }, tx);
      await this.recordTransition(actor, 'campaign.withdrawn', campaign, after, tx, {
        reason: dto.reason,
        cancelledRuns: cancelled.map((run) => run.id),
      });
      return this.respond(after);
    });
  }

  /** Stops for good: waiting runs are cancelled, a sending one stops between batches. */
  async cancel(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<CampaignResponseDto> {
    return this.repository.transaction(async (tx) => {
      const campaign = await this.lockForAction('cancel', id, dto.version, tx);
      assertMayControl(actor, campaign, 'cancel');
      const { cancelled, stopping } = await this.runs.cancelAll(id, this.clock.now(), tx);
      const after = await this.transition(campaign, 'cancel', {}, tx);
      await this.recordTransition(actor, 'campaign.cancelled', campaign, after, tx, {
        reason: dto.reason,
        cancelledRuns: cancelled.map((run) => run.id),
        stoppingRuns: stopping.map((run) => run.id),
      });
      return this.respond(after);
    });
  }

  async pause(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<CampaignResponseDto> {
    return this.repository.transaction(async (tx) => {
      const campaign = await this.lockForAction('pause', id, dto.version, tx);
      assertMayControl(actor, campaign, 'pause');
      const { paused, stopping } = await this.runs.pauseAll(id, tx);
      const after = await this.transition(campaign, 'pause', {}, tx);
      await this.recordTransition(actor, 'campaign.paused', campaign, after, tx, {
        reason: dto.reason,
        pausedRuns: paused.map((run) => run.id),
        stoppingRuns: stopping.map((run) => run.id),
      });
      return this.respond(after);
    });
  }

  async resume(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<CampaignResponseDto> {
    return this.repository.transaction(async (tx) => {
      const campaign = await this.lockForAction('resume', id, dto.version, tx);
      assertMayControl(actor, campaign, 'resume');
      const resumed = await this.runs.resumeAll(campaign, this.clock.now(), tx);
      const sending =
        resumed.some((run) => run.status === 'sending') ||
        (await this.runs.findForCampaign(id, ['sending'], tx)).length > 0;
      const after = await this.transition(campaign, 'resume', sending ? { status: 'sending' } : {}, tx);
      await this.recordTransition(actor, 'campaign.resumed', campaign, after, tx, {
        reason: dto.reason,
        resumedRuns: resumed.map((run) => ({ id: run.id, status: run.status, scheduledAt: run.scheduledAt })),
      });
      return this.respond(after);
    });
  }

  /**
   * A run due now under the approval in force, taken at once through the same budget gate as any
   * run: a blocked send is refused with 422 and the run with its reasons (the refusal stays on
   * record). A one-off (or unscheduled) campaign sends once per approval: its waiting run is
   * brought forward; once it ran, a blocked or failed run is retried with POST /runs/:id/retry.
   * On an instance that doesn't dispatch, the scheduler of one that does gates it.
   */
  async sendNow(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<RunResponseDto> {
    const due = await this.repository.transaction(async (tx) => {
      const campaign = await this.lockForAction('send_now', id, dto.version, tx);
      const now = this.clock.now();
      let run: CampaignRun;
      if (isRecurring(scheduleOf(campaign))) {
        run = await this.runs.create(campaign, now, 'send_now', actor.id, tx);
      } else {
        const runs = await this.runs.findForCampaign(
          id,
          ['scheduled', 'sending', 'paused', 'completed', 'partial', 'blocked', 'failed'],
          tx,
          campaign.approvedVersion!,
        );
        const waiting = runs.find((candidate) => candidate.status === 'scheduled');
        if (waiting) run = await this.runs.bringForward(waiting, now, actor.id, tx);
        else if (runs.length) {
          throw ApiError.conflict(
            `this campaign's send already ran under its approval (run ${runs[0].id} is ${runs[0].status}); retry a blocked or failed run with POST /runs/:id/retry`,
            [{ field: 'status', problem: `run ${runs[0].id} is ${runs[0].status}` }],
          );
        } else run = await this.runs.create(campaign, now, 'send_now', actor.id, tx);
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
      return run;
    });
    const outcome = await this.runStarter.startNow(due.id, due.campaignId);
    const run = await this.runs.get(due.id);
    if (outcome === 'blocked') {
      const reasons = run.blockReasons.map((reason, index) => ({
        field: `run.blockReasons[${index}]`,
        problem: `${reason.code}: ${reason.message}`,
      }));
      throw ApiError.unprocessable(
        `the budget gate refused this send: ${reasons.map((reason) => reason.problem).join('; ')}`,
        reasons,
        { run },
      );
    }
    return run;
  }

  async auditTrail(id: string): Promise<CampaignAuditResponseDto> {
    await this.mustFind(id);
    const events = await this.audit.listFor('campaign', id);
    return {
      items: events.map((event) => ({
        id: event.id,
        action: event.action,
        actorId: event.actorId,
        reason: event.reason,
        before: event.before,
        after: event.after,
        createdAt: event.createdAt.toISOString(),
      })),
      nextCursor: null,
    };
  }

  async mustFind(id: string, tx?: Transaction): Promise<Campaign> {
    const campaign = await this.repository.findById(id, tx);
    if (!campaign) throw ApiError.notFound(`campaign ${id}`);
    return campaign;
  }

  /** The content checks of create and edit, all problems at once; only what is given is checked. */
  private async checkContent(
    lineAccountId: string,
    content: { audienceId?: string; messages?: unknown[]; schedule?: CampaignSchedule },
  ): Promise<void> {
    const problems: FieldProblem[] = [];
    if (content.messages !== undefined) {
      problems.push(
        ...validateLineMessages(content.messages, { pathPrefix: 'messages' }).map((p) => ({
          field: p.property,
          problem: p.message,
        })),
      );
    }
    if (content.schedule !== undefined) {
      problems.push(
        ...scheduleProblems(content.schedule, this.clock.now()).map((p) => ({
          field: `schedule.${p.field}`,
          problem: p.problem,
        })),
      );
    }
    if (content.audienceId !== undefined) {
      const audience = await this.audiences.get(content.audienceId).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
      if (!audience) problems.push({ field: 'audienceId', problem: 'no such audience' });
      else if (audience.lineAccountId !== lineAccountId)
        problems.push({ field: 'audienceId', problem: 'is an audience of another LINE account' });
    }
    if (problems.length)
      throw ApiError.badRequest(problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
  }

  private checkAction(action: CampaignAction, campaign: Campaign, version: number | undefined): void {
    assertMayDo(action, campaign.status);
    if (version !== undefined && version !== campaign.version)
      throw ApiError.staleVersion('campaign', campaign.version);
  }

  private async lockForAction(
    action: CampaignAction,
    id: string,
    version: number | undefined,
    tx: Transaction,
  ): Promise<Campaign> {
    const campaign = await this.repository.lockById(id, tx);
    if (!campaign) throw ApiError.notFound(`campaign ${id}`);
    this.checkAction(action, campaign, version);
    return campaign;
  }

  /**
   * Moves the campaign along the workflow, only from the status and version it was read at; when
   * someone got there first, 409 names the status it is in now (or the version it has).
   */
  private async transition(
    campaign: Campaign,
    action: CampaignAction,
    data: Prisma.CampaignUncheckedUpdateManyInput,
    tx: Transaction,
    version = campaign.version,
  ): Promise<Campaign> {
    const to = WORKFLOW[action].to;
    const after = await this.repository.updateWhere(
      campaign.id,
      { statuses: WORKFLOW[action].from, version },
      { ...(to ? { status: to } : {}), ...data },
      tx,
    );
    if (after) return after;
    const current = await this.mustFind(campaign.id, tx);
    if (!WORKFLOW[action].from.includes(current.status)) throw wrongStatus(action, current.status);
    throw ApiError.staleVersion('campaign', current.version);
  }

  private recordTransition(
    actor: AuthUser,
    action: string,
    before: Campaign,
    after: Campaign,
    tx: Transaction,
    details: { reason?: string | null } & Record<string, unknown>,
  ): Promise<void> {
    const { reason, ...rest } = details;
    return this.audit.record(
      {
        actorId: actor.id,
        action,
        entityType: 'campaign',
        entityId: after.id,
        reason: reason ?? null,
        before: { status: before.status, version: before.version },
        after: { status: after.status, version: after.version, ...rest },
      },
      tx,
    );
  }

  /** When the next send is due, if it is in the future; null means now (no schedule, or past it). */
  private nextSendAt(campaign: Campaign): Date | null {
    const now = this.clock.now();
    const at = firstSendAt(scheduleOf(campaign), now);
    return at && at.getTime() > now.getTime() ? at : null;
  }

  /** A schedule whose time has passed can't be approved for: the marketer withdraws and reschedules. */
  private assertScheduleAhead(campaign: Campaign, doing: string): void {
    const problems = scheduleProblems(scheduleOf(campaign), this.clock.now());
    if (problems.length) {
      const details = problems.map((p) => ({ field: `schedule.${p.field}`, problem: p.problem }));
      throw ApiError.unprocessable(
        `the campaign's schedule no longer holds (${details.map((d) => `${d.field} ${d.problem}`).join('; ')}); edit it before ${doing}`,
        details,
      );
    }
  }

  private async respond(campaign: Campaign): Promise<CampaignResponseDto> {
    return toCampaignResponse(campaign, (await this.accounts.mustFind(campaign.lineAccountId)).currency);
  }
}

/** Approvers decide on other people's campaigns only: not one they created, nor one they last edited. */
function assertIndependent(actor: AuthUser, campaign: Campaign, verb: 'approve' | 'reject'): void {
  if (campaign.createdById === actor.id)
    throw ApiError.forbidden(`you created this campaign; another approver must ${verb} it`);
  if (campaign.lastEditedById === actor.id)
    throw ApiError.forbidden(`you last edited this campaign; another approver must ${verb} it`);
}

/** Cancel, pause and resume: the marketer who created the campaign, any approver, any admin. */
function assertMayControl(actor: AuthUser, campaign: Campaign, verb: string): void {
  if (actor.role === 'marketer' && campaign.createdById !== actor.id) {
    throw ApiError.forbidden(`only the marketer who created this campaign, an approver or an admin may ${verb} it`);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.getStatus() === HttpStatus.NOT_FOUND;
}

function summarize(forecastId: string, computed: ComputedForecast): Record<string, unknown> {
  const { response } = computed;
  return {
    id: forecastId,
    month: response.month,
    recipients: response.recipients,
    messages: response.messages,
    freeMessages: response.freeMessages,
    paidMessages: response.paidMessages,
    cost: { amount: response.cost.amount, currency: response.cost.currency },
    verdict: response.verdict,
    reasons: response.reasons,
    rateCardId: computed.rateCardId,
  };
}

/** What an edit can change, for the audit log's before and after. */
function contentOf(campaign: Campaign): Record<string, unknown> {
  return {
    status: campaign.status,
    version: campaign.version,
    name: campaign.name,
    audienceId: campaign.audienceId,
    messages: campaign.messages,
    schedule: scheduleResponse(scheduleOf(campaign)),
    maxRecipients: campaign.maxRecipients,
    costCap: campaign.costCap?.toString() ?? null,
    overBudgetPolicy: campaign.overBudgetPolicy,
  };
}

export function toCampaignResponse(campaign: Campaign, currency: string): CampaignResponseDto {
  const messages = campaign.messages as unknown[];
  return {
    id: campaign.id,
    lineAccountId: campaign.lineAccountId,
    audienceId: campaign.audienceId,
    name: campaign.name,
    messages,
    requestsPerRecipient: requestsPerRecipient(messages.length),
    schedule: scheduleResponse(scheduleOf(campaign)),
    maxRecipients: campaign.maxRecipients,
    costCap: campaign.costCap === null ? null : money(campaign.costCap.toString(), currency),
    overBudgetPolicy: campaign.overBudgetPolicy as OverBudgetPolicy,
    status: campaign.status,
    version: campaign.version,
    createdById: campaign.createdById,
    lastEditedById: campaign.lastEditedById,
    submission:
      campaign.submittedById && campaign.submittedAt
        ? {
            submittedById: campaign.submittedById,
            submittedAt: campaign.submittedAt.toISOString(),
            forecastId: campaign.submissionForecastId,
          }
        : null,
    approval:
      campaign.approvedById && campaign.approvedAt && campaign.approvedVersion !== null
        ? {
            approvedById: campaign.approvedById,
            approvedAt: campaign.approvedAt.toISOString(),
            comment: campaign.approvalComment,
            version: campaign.approvedVersion,
            forecastId: campaign.approvedForecastId,
            recipients: campaign.approvedRecipients ?? 0,
            messages: campaign.approvedMessages ?? 0,
            cost: money(campaign.approvedCost?.toString() ?? '0', currency),
          }
        : null,
    lastRejection:
      campaign.rejectedById && campaign.rejectedAt && campaign.rejectionReason
        ? {
            rejectedById: campaign.rejectedById,
            rejectedAt: campaign.rejectedAt.toISOString(),
            reason: campaign.rejectionReason,
          }
        : null,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
  };
}
