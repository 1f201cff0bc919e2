import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth.decorators';
import { PageQueryDto } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { ForecastResponseDto } from '../billing/billing.dto';
import type { ForecastResponse } from '../billing/forecast-engine.service';
import { RunListResponseDto, RunResponseDto } from './campaign-runs.dto';
import { CampaignDraftForecastService } from './campaign-draft-forecast.service';
import { CampaignChangesService } from './campaign-changes.service';
import { CampaignReadsService } from './campaign-reads.service';
import { CampaignRunsService } from './campaign-runs.service';
import { CampaignSendNowService } from './campaign-send-now.service';
import { CampaignTestSendService } from './campaign-test-send.service';
import { CampaignWorkflowService } from './campaign-workflow.service';
import {
  CampaignApproveDto,
  CampaignAuditResponseDto,
  CampaignChangesResponseDto,
  CampaignCreateDto,
  CampaignDecisionResponseDto,
  CampaignDraftForecastDto,
  CampaignDraftForecastResponseDto,
  CampaignListQueryDto,
  CampaignListResponseDto,
  CampaignRejectDto,
  CampaignResponseDto,
  CampaignSendNowDto,
  CampaignTestSendDto,
  CampaignTransitionDto,
  CampaignUpdateDto,
  TestSendResponseDto,
} from './campaigns.dto';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly workflow: CampaignWorkflowService,
    private readonly reads: CampaignReadsService,
    private readonly sendNowService: CampaignSendNowService,
    private readonly runs: CampaignRunsService,
    private readonly testSender: CampaignTestSendService,
    private readonly drafts: CampaignDraftForecastService,
    private readonly changesService: CampaignChangesService,
  ) {}

  @Post()
  @Roles('marketer', 'admin')
  @ApiOperation({
    summary: "Create a draft campaign; message objects are checked with LINE's rules (400 names the path)",
  })
  @ApiCreatedResponse({ type: CampaignResponseDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CampaignCreateDto): Promise<CampaignResponseDto> {
    return this.workflow.create(actor, dto);
  }

  @Post('forecast-draft')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Forecast a campaign as the composer holds it (not saved): its next send's cost, verdict, reasons and suggestions; nothing is stored",
  })
  @ApiOkResponse({ type: CampaignDraftForecastResponseDto })
  forecastDraft(@Body() dto: CampaignDraftForecastDto): Promise<CampaignDraftForecastResponseDto> {
    return this.drafts.forecast(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List campaigns, optionally by status and LINE account' })
  @ApiOkResponse({ type: CampaignListResponseDto })
  list(@Query() query: CampaignListQueryDto): Promise<CampaignListResponseDto> {
    return this.reads.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One campaign, with its submission, approval in force and last rejection' })
  @ApiOkResponse({ type: CampaignResponseDto })
  get(@UuidParam('id') id: string): Promise<CampaignResponseDto> {
    return this.reads.get(id);
  }

  @Patch(':id')
  @Roles('marketer', 'admin')
  @ApiOperation({ summary: 'Edit a draft (with version; stale → 409; not a draft → 409: withdraw first)' })
  @ApiOkResponse({ type: CampaignResponseDto })
  update(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignUpdateDto,
  ): Promise<CampaignResponseDto> {
    return this.workflow.update(actor, id, dto);
  }

  @Get(':id/forecast')
  @ApiOperation({
    summary: 'Forecast of the next send: live audience size against the month ledger; stored as a preview',
  })
  @ApiOkResponse({ type: ForecastResponseDto })
  forecast(@CurrentUser() actor: AuthUser, @UuidParam('id') id: string): Promise<ForecastResponse> {
    return this.reads.forecast(actor, id);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Roles('marketer', 'admin')
  @ApiOperation({
    summary:
      'draft or blocked → pending_approval, with a fresh forecast snapshot (in the answer, with its verdict and ' +
      "warnings); from blocked the old approval is discarded and waiting runs are cancelled: needs_reapproval's way out",
  })
  @ApiOkResponse({ type: CampaignDecisionResponseDto })
  @ApiBody({
    type: CampaignTransitionDto,
    required: false,
    description: 'Optional: every field may be left out, and so may the body',
  })
  submit(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignTransitionDto,
  ): Promise<CampaignDecisionResponseDto> {
    return this.workflow.submit(actor, id, dto);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('marketer', 'admin')
  @ApiOperation({
    summary: 'Back to draft to edit: discards the approval and cancels waiting runs (409 while a run sends)',
  })
  @ApiOkResponse({ type: CampaignResponseDto })
  @ApiBody({
    type: CampaignTransitionDto,
    required: false,
    description: 'Optional: every field may be left out, and so may the body',
  })
  withdraw(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignTransitionDto,
  ): Promise<CampaignResponseDto> {
    return this.workflow.withdraw(actor, id, dto);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('approver')
  @ApiOperation({
    summary:
      'pending_approval → approved at the cost forecast now (in the answer, with its verdict and warnings); a scheduled ' +
      'campaign gets its first run, an unscheduled one is sent with send-now. Never by its creator or last editor (403)',
  })
  @ApiOkResponse({ type: CampaignDecisionResponseDto })
  @ApiBody({
    type: CampaignApproveDto,
    required: false,
    description: 'Optional: every field may be left out, and so may the body',
  })
  approve(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignApproveDto,
  ): Promise<CampaignDecisionResponseDto> {
    return this.workflow.approve(actor, id, dto);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('approver')
  @ApiOperation({ summary: 'pending_approval → draft with a reason. Never by its creator or last editor (403)' })
  @ApiOkResponse({ type: CampaignResponseDto })
  reject(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignRejectDto,
  ): Promise<CampaignResponseDto> {
    return this.workflow.reject(actor, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Stop for good: waiting runs cancelled, a sending run stops between batches (its marketer, approvers, admins)',
  })
  @ApiOkResponse({ type: CampaignResponseDto })
  @ApiBody({
    type: CampaignTransitionDto,
    required: false,
    description: 'Optional: every field may be left out, and so may the body',
  })
  cancel(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignTransitionDto,
  ): Promise<CampaignResponseDto> {
    return this.workflow.cancel(actor, id, dto);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Hold waiting runs; a sending run pauses between batches (its marketer, approvers, admins)',
  })
  @ApiOkResponse({ type: CampaignResponseDto })
  @ApiBody({
    type: CampaignTransitionDto,
    required: false,
    description: 'Optional: every field may be left out, and so may the body',
  })
  pause(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignTransitionDto,
  ): Promise<CampaignResponseDto> {
    return this.workflow.pause(actor, id, dto);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'paused → approved; an overdue recurring occurrence moves to the next one (its marketer, approvers, admins)',
  })
  @ApiOkResponse({ type: CampaignResponseDto })
  @ApiBody({
    type: CampaignTransitionDto,
    required: false,
    description: 'Optional: every field may be left out, and so may the body',
  })
  resume(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignTransitionDto,
  ): Promise<CampaignResponseDto> {
    return this.workflow.resume(actor, id, dto);
  }

  @Post(':id/send-now')
  @HttpCode(202)
  @Roles('approver', 'admin')
  @ApiOperation({
    summary:
      'A run due now under the approval in force, through the budget gate at once: 202 sending, 422 refused (with the blocked run), ' +
      "or 422 inside the account's quiet hours with the time it would go (unless overrideQuietHours, with a reason)",
  })
  @ApiAcceptedResponse({ type: RunResponseDto })
  @ApiUnprocessableEntityResponse({
    description:
      'The budget gate refused the send: the error body with one detail per reason, and the blocked run under `run`. ' +
      "Or the account's quiet hours are in force: `sendsAt` (when they end) and `sendsAtLocal` (in the account's zone with its offset); nothing was created",
  })
  @ApiBody({
    type: CampaignSendNowDto,
    required: false,
    description: 'Optional: every field may be left out, and so may the body',
  })
  sendNow(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignSendNowDto,
  ): Promise<RunResponseDto> {
    return this.sendNowService.sendNow(actor, id, dto);
  }

  @Post(':id/test-send')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Push the content to up to 10 following contacts of the account; counted in the month like any Push',
  })
  @ApiOkResponse({ type: TestSendResponseDto })
  testSend(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: CampaignTestSendDto,
  ): Promise<TestSendResponseDto> {
    return this.testSender.send(actor, id, dto);
  }

  @Get(':id/runs')
  @ApiOperation({ summary: "The campaign's runs (one per send), oldest first" })
  @ApiOkResponse({ type: RunListResponseDto })
  listRuns(@UuidParam('id') id: string, @Query() query: PageQueryDto): Promise<RunListResponseDto> {
    return this.runs.list(id, query);
  }

  @Get(':id/changes')
  @ApiOperation({
    summary:
      'What changed since the last approval: messages, audience (its rule too), schedule, policy, cap, limits and name',
  })
  @ApiOkResponse({ type: CampaignChangesResponseDto })
  changes(@UuidParam('id') id: string): Promise<CampaignChangesResponseDto> {
    return this.changesService.changes(id);
  }

  @Get(':id/audit')
  @ApiOperation({ summary: 'Every transition with actor, reason and forecast, oldest first' })
  @ApiOkResponse({ type: CampaignAuditResponseDto })
  auditTrail(@UuidParam('id') id: string): Promise<CampaignAuditResponseDto> {
    return this.reads.auditTrail(id);
  }
}
