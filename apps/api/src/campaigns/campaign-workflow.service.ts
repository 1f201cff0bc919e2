import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Campaign } from '@lcm/database';
import { bindCampaignPostbacks, campaignPostbackProblems } from '@lcm/domain/engagement';
import { validateLineMessages } from '@lcm/domain/line-messages';
import { CampaignSchedule, firstSendAt, isRecurring, scheduleProblems } from '@lcm/domain/schedules';
import { ApiError, FieldProblem } from '../common/api-error';
import { Clock } from '../common/clock';
import { MonthWatcher } from '../ports/month-watcher';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import { AudiencesService } from '../audiences/audiences.service';
import type { ComputedForecast } from '../billing/forecast-engine.service';
import type { Transaction } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { CampaignChangesService, LastApproved } from './campaign-changes.service';
import { CampaignForecastService } from './campaign-forecast.service';
import { CampaignReadsService } from './campaign-reads.service';
import { CampaignRunsService } from './campaign-runs.service';
import { nextSendAt, scheduleColumns, scheduleFromDto, scheduleOf, scheduleResponse } from './campaign-schedule';
import { CampaignAction, assertMayDo, WORKFLOW, wrongStatus } from './campaign-workflow';
import {
  CampaignAbTestDto,
  CampaignApproveDto,
  CampaignCreateDto,
  CampaignDecisionResponseDto,
  CampaignRejectDto,
  CampaignResponseDto,
  CampaignTransitionDto,
  CampaignUpdateDto,
} from './campaigns.dto';
import { forecastFigures, toCampaignResponse, toForecastSummary } from './campaigns.mapper';
import { CampaignChanges, CampaignsRepository } from './campaigns.repository';
import { frequencyCapColumns, frequencyCapField } from './campaign-frequency-cap';
import { deferPriorityColumns, deferPriorityOf } from './campaign-defer-priority';
import { abTestOf, abTestProblems, variantsOf } from './campaign-ab-test';
import type { AbTest } from '@lcm/domain/ab-tests';

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
} satisfies CampaignChanges;

const NO_SUBMISSION = {
  submittedById: null,
  submittedAt: null,
  submissionForecastId: null,
} satisfies CampaignChanges;

/**
 * Campaigns' content and their approval workflow (see campaign-workflow.ts). Marketers write and submit,
 * approvers decide, never on a campaign they created or last edited; every transition is audited
 * with its actor, reason and forecast.
 */
@Injectable()
export class CampaignWorkflowService {
  constructor(
    private readonly repository: CampaignsRepository,
    private readonly reads: CampaignReadsService,
    private readonly runs: CampaignRunsService,
    private readonly forecaster: CampaignForecastService,
    private readonly accounts: LineAccountsService,
    private readonly audiences: AudiencesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly watcher: MonthWatcher,
    private readonly changes: CampaignChangesService,
  ) {}

  async create(actor: AuthUser, dto: CampaignCreateDto): Promise<CampaignResponseDto> {
    const account = await this.accounts.findById(dto.lineAccountId);
    if (!account) throw ApiError.field('lineAccountId', 'no such LINE account');
    const schedule = scheduleFromDto(dto.schedule);
    await this.checkContent(account.id, {
      audienceId: dto.audienceId,
      messages: dto.messages,
      variants: dto.variants ?? undefined,
      schedule,
      policy: { overBudgetPolicy: dto.overBudgetPolicy ?? 'block', schedule },
      abTest: { messages: dto.messages ?? null, variants: dto.variants ?? null, abTest: dto.abTest ?? null },
    });
    // The id is chosen here so that the campaign's postback data can name it.
    const id = randomUUID();
    return this.repository.transaction(async (tx) => {
      const campaign = await this.repository.create(
        {
          id,
          lineAccountId: account.id,
          audienceId: dto.audienceId,
          name: dto.name,
          messages: bindCampaignPostbacks(dto.messages ?? [], id),
          ...abTestColumns(dto.variants ?? null, dto.abTest ?? null, id),
          ...scheduleColumns(schedule),
          maxRecipients: dto.maxRecipients ?? null,
          costCap: dto.costCap ?? null,
          overBudgetPolicy: dto.overBudgetPolicy ?? 'block',
          ...frequencyCapColumns(dto.frequencyCap ?? null),
          ...deferPriorityColumns(dto.deferPriority ?? null),
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

  /** Drafts only, at the version read; the editor becomes the last editor, who may not approve. */
  async update(actor: AuthUser, id: string, dto: CampaignUpdateDto): Promise<CampaignResponseDto> {
    const before = await this.reads.mustFind(id);
    assertMayDo('edit', before.status);
    if (before.version !== dto.version) throw ApiError.staleVersion('campaign', before.version);
    const schedule = dto.schedule === undefined ? undefined : scheduleFromDto(dto.schedule);
    // The A/B rules hold for the campaign as the edit leaves it: what the edit gives, else what it had.
    const beforeMessages = before.messages as unknown[];
    await this.checkContent(before.lineAccountId, {
      audienceId: dto.audienceId,
      messages: dto.messages,
      variants: dto.variants ?? undefined,
      schedule,
      policy: {
        overBudgetPolicy: dto.overBudgetPolicy ?? before.overBudgetPolicy,
        schedule: schedule ?? scheduleOf(before),
      },
      abTest: {
        // Variants given replace the messages (they become []), unless the edit gives messages too.
        messages: dto.messages ?? (dto.variants || !beforeMessages.length ? null : beforeMessages),
        variants: dto.variants !== undefined ? dto.variants : variantsOf(before),
        abTest: dto.abTest !== undefined ? dto.abTest : abTestOf(before),
      },
    });
    const changes: CampaignChanges = {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.audienceId !== undefined ? { audienceId: dto.audienceId } : {}),
      ...(dto.messages !== undefined ? { messages: bindCampaignPostbacks(dto.messages, before.id) } : {}),
      // Variants replace the messages: the plain messages go when variants come (and the other way round).
      ...(dto.variants ? { messages: [] } : {}),
      ...(dto.variants !== undefined || dto.abTest !== undefined
        ? abTestColumns(
            dto.variants !== undefined ? dto.variants : variantsOf(before),
            dto.abTest !== undefined ? dto.abTest : abTestOf(before),
            before.id,
          )
        : {}),
      ...(schedule !== undefined ? scheduleColumns(schedule) : {}),
      ...(dto.maxRecipients !== undefined ? { maxRecipients: dto.maxRecipients } : {}),
      ...(dto.costCap !== undefined ? { costCap: dto.costCap } : {}),
      ...(dto.overBudgetPolicy !== undefined ? { overBudgetPolicy: dto.overBudgetPolicy } : {}),
      ...(dto.frequencyCap !== undefined ? frequencyCapColumns(dto.frequencyCap) : {}),
      ...(dto.deferPriority !== undefined ? deferPriorityColumns(dto.deferPriority) : {}),
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
      return this.reads.respond(after, tx);
    });
  }

  /**
   * Draft → pending_approval, with a forecast snapshot of the content submitted. A blocked campaign
   * is submitted again as it stands: its approval is discarded and its waiting runs cancelled, so the
   * approver decides on today's forecast. The answer carries that forecast's verdict and warnings.
   */
  async submit(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<CampaignDecisionResponseDto> {
    const campaign = await this.reads.mustFind(id);
    this.checkAction('submit', campaign, dto.version);
    this.assertScheduleAhead(campaign, 'submitting');
    const computed = await this.forecaster.computeForDecision(campaign, nextSendAt(campaign, this.clock.now()));
    return this.repository.transaction(async (tx) => {
      // As approve: a submission that lost the race answers 409 on the row's lock, having written nothing.
      await this.lockForAction('submit', id, campaign.version, tx);
      const forecastId = await this.forecaster.store(campaign, computed, 'submission', actor.id, tx);
      const resubmitted = campaign.status === 'blocked';
      const after = await this.transition(
        campaign,
        'submit',
        {
          ...(resubmitted ? NO_APPROVAL : {}),
          submittedById: actor.id,
          submittedAt: this.clock.now(),
          submissionForecastId: forecastId,
        },
        tx,
      );
      // The status moved off blocked under the row's lock, so no run of the old approval starts now.
      const cancelled = resubmitted ? (await this.runs.cancelAll(id, this.clock.now(), tx)).cancelled : [];
      await this.recordTransition(
        actor,
        'campaign.submitted',
        campaign,
        after,
        {
          reason: dto.reason,
          forecast: summarize(forecastId, computed),
          ...(resubmitted ? { cancelledRuns: idsOf(cancelled) } : {}),
        },
        tx,
      );
      return { ...(await this.reads.respond(after, tx)), forecast: toForecastSummary(forecastId, computed) };
    });
  }

  /**
   * Approves the content as submitted (the version must not have moved since it was read) at the
   * cost forecast now; a scheduled campaign gets its first run, an unscheduled one waits for
   * send-now. Two approvers at once: PostgreSQL lets one conditional UPDATE through; the other gets
   * 409 and its transaction, forecast included, rolls back. The answer carries the forecast.
   */
  async approve(actor: AuthUser, id: string, dto: CampaignApproveDto): Promise<CampaignDecisionResponseDto> {
    const campaign = await this.reads.mustFind(id);
    this.checkAction('approve', campaign, dto.version);
    assertIndependent(actor, campaign, 'approve');
    this.assertScheduleAhead(campaign, 'approving');
    const now = this.clock.now();
    const sendAt = firstSendAt(scheduleOf(campaign), now);
    const computed = await this.forecaster.computeForDecision(campaign, sendAt);
    const answer = await this.repository.transaction(async (tx) => {
      // Queued on the campaign's row before anything is written: an approval that lost the race
      // (the version moved while it waited) answers 409 here, without storing a forecast first.
      await this.lockForAction('approve', id, campaign.version, tx);
      // The forecast above found the audience; a delete since (or in flight) is decided here, on its row.
      if (!(await this.audiences.holdForCampaign(campaign.audienceId, tx)))
        throw ApiError.unprocessable(
          `the campaign's audience ${campaign.audienceId} no longer exists; choose another`,
          [{ field: 'audienceId', problem: 'no longer exists' }],
        );
      const forecastId = await this.forecaster.store(campaign, computed, 'approval', actor.id, tx);
      // Kept past a withdrawal (unlike the columns of the approval in force): the next approver's diff.
      const lastApproved: LastApproved = {
        approvedAt: now.toISOString(),
        approvedById: actor.id,
        version: campaign.version + 1,
        comment: dto.comment ?? null,
        content: await this.changes.contentOf(campaign, tx),
      };
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
          lastApproved: lastApproved as object,
        },
        tx,
      );
      const run = sendAt ? await this.runs.create(after, sendAt, 'schedule', actor.id, tx) : null;
      await this.recordTransition(
        actor,
        'campaign.approved',
        campaign,
        after,
        {
          reason: dto.comment,
          forecast: summarize(forecastId, computed),
          runs: run ? [{ id: run.id, scheduledAt: run.scheduledAt }] : [],
        },
        tx,
      );
      return { ...(await this.reads.respond(after, tx)), forecast: toForecastSummary(forecastId, computed) };
    });
    // The approved runs now count in the month's projection: its alerts are looked at, after the commit.
    await this.watcher.monthChanged(campaign.lineAccountId);
    return answer;
  }

  /** Pending → draft with the approver's reason, shown on the campaign until it is approved. */
  async reject(actor: AuthUser, id: string, dto: CampaignRejectDto): Promise<CampaignResponseDto> {
    const campaign = await this.reads.mustFind(id);
    this.checkAction('reject', campaign, dto.version);
    assertIndependent(actor, campaign, 'reject');
    return this.repository.transaction(async (tx) => {
      const after = await this.transition(
        campaign,
        'reject',
        { ...NO_SUBMISSION, rejectedById: actor.id, rejectedAt: this.clock.now(), rejectionReason: dto.reason },
        tx,
      );
      await this.recordTransition(actor, 'campaign.rejected', campaign, after, { reason: dto.reason }, tx);
      return this.reads.respond(after, tx);
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
      await this.recordTransition(
        actor,
        'campaign.withdrawn',
        campaign,
        after,
        {
          reason: dto.reason,
          cancelledRuns: idsOf(cancelled),
        },
        tx,
      );
      return this.reads.respond(after, tx);
    });
  }

  /** Stops for good: waiting runs are cancelled, a sending one stops between batches. */
  cancel(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<CampaignResponseDto> {
    return this.control(actor, id, dto, 'cancel', 'campaign.cancelled', async (campaign, tx) => {
      const { cancelled, stopping } = await this.runs.cancelAll(campaign.id, this.clock.now(), tx);
      return { details: { cancelledRuns: idsOf(cancelled), stoppingRuns: idsOf(stopping) } };
    });
  }

  pause(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<CampaignResponseDto> {
    return this.control(actor, id, dto, 'pause', 'campaign.paused', async (campaign, tx) => {
      const { paused, stopping } = await this.runs.pauseAll(campaign.id, tx);
      return { details: { pausedRuns: idsOf(paused), stoppingRuns: idsOf(stopping) } };
    });
  }

  resume(actor: AuthUser, id: string, dto: CampaignTransitionDto): Promise<CampaignResponseDto> {
    return this.control(actor, id, dto, 'resume', 'campaign.resumed', async (campaign, tx) => {
      const resumed = await this.runs.resumeAll(campaign, this.clock.now(), tx);
      const sending =
        resumed.some((run) => run.status === 'sending') ||
        (await this.runs.findForCampaign(campaign.id, ['sending'], tx)).length > 0;
      return {
        changes: sending ? { status: 'sending' } : {},
        details: {
          resumedRuns: resumed.map((run) => ({ id: run.id, status: run.status, scheduledAt: run.scheduledAt })),
        },
      };
    });
  }

  /**
   * Cancel, pause and resume: the campaign locked for the action, the actor checked, its runs changed
   * (under the campaign's lock), then the transition and its audit entry with what happened to the runs.
   */
  private control(
    actor: AuthUser,
    id: string,
    dto: CampaignTransitionDto,
    action: 'cancel' | 'pause' | 'resume',
    audited: string,
    changeRuns: (
      campaign: Campaign,
      tx: Transaction,
    ) => Promise<{ changes?: CampaignChanges; details: Record<string, unknown> }>,
  ): Promise<CampaignResponseDto> {
    return this.repository.transaction(async (tx) => {
      const campaign = await this.lockForAction(action, id, dto.version, tx);
      assertMayControl(actor, campaign, action);
      const { changes, details } = await changeRuns(campaign, tx);
      const after = await this.transition(campaign, action, changes ?? {}, tx);
      await this.recordTransition(actor, audited, campaign, after, { reason: dto.reason, ...details }, tx);
      return this.reads.respond(after, tx);
    });
  }

  /** The content checks of create and edit, all problems at once; only what is given is checked. */
  private async checkContent(
    lineAccountId: string,
    content: {
      audienceId?: string;
      messages?: unknown[];
      variants?: { name: string; messages: unknown[] }[];
      schedule?: CampaignSchedule;
      policy: { overBudgetPolicy: string; schedule: CampaignSchedule };
      /** The campaign's messages, variants and A/B test as they will be after this save. */
      abTest: { messages: unknown[] | null; variants: unknown[] | null; abTest: unknown };
    },
  ): Promise<void> {
    const problems: FieldProblem[] = abTestProblems(content.abTest, content.policy);
    // A recurring send's deferred rest would meet its next occurrences at the reset: one remainder per send.
    if (content.policy.overBudgetPolicy === 'defer' && isRecurring(content.policy.schedule))
      problems.push({
        field: 'overBudgetPolicy',
        problem: 'defer applies to one-off and send-now campaigns, not to a recurring schedule (use block or trim)',
      });
    if (content.messages !== undefined) {
      problems.push(
        ...validateLineMessages(content.messages, { pathPrefix: 'messages' }).map((p) => ({
          field: p.property,
          problem: p.message,
        })),
        ...campaignPostbackProblems(content.messages).map((p) => ({ field: p.property, problem: p.message })),
      );
    }
    content.variants?.forEach((variant, index) => {
      const pathPrefix = `variants[${index}].messages`;
      problems.push(
        ...validateLineMessages(variant.messages, { pathPrefix }).map((p) => ({
          field: p.property,
          problem: p.message,
        })),
        ...campaignPostbackProblems(variant.messages, pathPrefix).map((p) => ({
          field: p.property,
          problem: p.message,
        })),
      );
    });
    if (content.schedule !== undefined) {
      problems.push(
        ...scheduleProblems(content.schedule, this.clock.now()).map((p) => ({
          field: `schedule.${p.field}`,
          problem: p.problem,
        })),
      );
    }
    if (content.audienceId !== undefined) {
      const audience = await this.audiences.find(content.audienceId);
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

  /** The campaign locked for `action` (404, 409 on the wrong status or a stale version), for send-now too. */
  async lockForAction(
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
    data: CampaignChanges,
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
    const current = await this.reads.mustFind(campaign.id, tx);
    if (!WORKFLOW[action].from.includes(current.status)) throw wrongStatus(action, current.status);
    throw ApiError.staleVersion('campaign', current.version);
  }

  private recordTransition(
    actor: AuthUser,
    action: string,
    before: Campaign,
    after: Campaign,
    details: { reason?: string | null } & Record<string, unknown>,
    tx: Transaction,
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

function idsOf(runs: { id: string }[]): string[] {
  return runs.map((run) => run.id);
}

/** The forecast in the audit entry: the answer's figures, with the reasons and the rate card used. */
function summarize(forecastId: string, computed: ComputedForecast): Record<string, unknown> {
  return {
    ...forecastFigures(forecastId, computed),
    reasons: computed.response.reasons,
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
    frequencyCap: frequencyCapField(campaign),
    deferPriority: deferPriorityOf(campaign),
    variants: campaign.variants,
    abTest: campaign.abTest,
  };
}

/** The columns of an A/B test; variants' postbacks name the campaign like its messages' do. */
function abTestColumns(
  variants: { name: string; messages: unknown[] }[] | null,
  abTest: CampaignAbTestDto | AbTest | null,
  campaignId: string,
): CampaignChanges {
  return {
    variants: variants
      ? (variants.map((variant) => ({
          name: variant.name,
          messages: bindCampaignPostbacks(variant.messages, campaignId),
        })) as object[])
      : null,
    abTest: abTest
      ? {
          testShare: abTest.testShare,
          metric: abTest.metric,
          waitMinutes: abTest.waitMinutes,
          undecided: abTest.undecided,
        }
      : null,
  };
}
