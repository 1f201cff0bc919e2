import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
  OmitType,
  PartialType,
} from '@nestjs/swagger';
import { CONTENT_FIELDS, type ContentField } from '@lcm/domain/approvals';
import { VersionField } from '../common/validation';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { CampaignStatus } from '@lcm/database';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

type ApiSchema = SchemaObject | ReferenceObject;
import { LINE_USER_ID_PATTERN } from '@lcm/domain/line-messages';
import { ATTRIBUTE_NAME_PATTERN } from '@lcm/domain/segments';
import { IsTimeZone } from '../common/time-zone';
import { IsInstant } from '../common/instant';
import { DECIMAL_PATTERN, MoneyDto } from '../common/money.dto';
import { PageQueryDto } from '../common/pagination';
import { DeferPlanDto, ForecastResponseDto, ReasonDetailDto, TrimPlanDto } from '../billing/billing.dto';
import type { ForecastResponse } from '../billing/forecast-engine.service';
import { AudienceResponseDto, AudienceSizeResponseDto } from '../audiences/audiences.dto';
import { CAMPAIGN_STATUSES } from './campaign-workflow';
import { FrequencyCapDto } from '../frequency-caps/frequency-caps.dto';
import { AB_METRICS, AB_UNDECIDED_RULES, MAX_VARIANTS, MIN_VARIANTS } from '@lcm/domain/ab-tests';
import type { AbMetric, AbUndecidedRule } from '@lcm/domain/ab-tests';

/** More than 5 objects are sent as several requests per recipient; this bounds a campaign's size. */
export const MAX_MESSAGE_OBJECTS = 100;

/** The longest wait of an A/B test: a week (LINE's figures keep changing for 14 days after the send day). */
export const MAX_AB_WAIT_MINUTES = 7 * 24 * 60;

/** One variant of an A/B test: its name and its own LINE message objects. */
export class CampaignVariantDto {
  @ApiProperty({ example: 'Coupon first', description: 'Shown in results and the audit log' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ type: 'text', text: 'Your coupon: 20% off this weekend' }],
    description: `This variant's LINE message objects, checked like a campaign's messages (1 to ${MAX_MESSAGE_OBJECTS})`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MESSAGE_OBJECTS)
  messages: unknown[];
}

/** How an A/B test runs: who is tested, by what it is judged, how long it waits, and what an undecided test does. */
export class CampaignAbTestDto {
  @ApiProperty({
    minimum: 1,
    maximum: 99,
    example: 20,
    description:
      'Percent of the recipients that get a variant (split evenly among the variants, in a seeded random order); the rest get the winner',
  })
  @IsInt()
  @Min(1)
  @Max(99)
  testShare: number;

  @ApiProperty({
    enum: AB_METRICS,
    description:
      'The winner is the variant with the highest unique click rate (or unique impression rate) over delivered',
  })
  @IsIn(AB_METRICS)
  metric: AbMetric;

  @ApiProperty({
    minimum: 1,
    maximum: MAX_AB_WAIT_MINUTES,
    example: 240,
    description: "Minutes after the variants are sent before LINE's figures are read and the winner goes to the rest",
  })
  @IsInt()
  @Min(1)
  @Max(MAX_AB_WAIT_MINUTES)
  waitMinutes: number;

  @ApiProperty({
    enum: AB_UNDECIDED_RULES,
    description:
      "When the winner can't be told (a count under LINE's 20, or the best two within 1 percentage point): send variant A, send none, or wait waitMinutes once more (then none)",
  })
  @IsIn(AB_UNDECIDED_RULES)
  undecided: AbUndecidedRule;
}

/** The OpenAPI shape of a one-off schedule (the request is validated as CampaignScheduleDto). */
export class OnceScheduleDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-23T10:00:00+08:00', description: 'Send once at this instant' })
  at: string;
}

/**
 * The OpenAPI shape of a recurring schedule: all three fields required, as the service requires
 * them (an approval covers a bounded series of sends, so a recurring campaign says when it ends).
 */
export class RecurringScheduleDto {
  @ApiProperty({ example: '0 10 * * 1', description: '5-field cron in `timezone` (see CampaignScheduleDto.cron)' })
  cron: string;
  @ApiProperty({ example: 'Asia/Taipei', description: "The zone the cron's times are read in" })
  timezone: string;
  @ApiProperty({ format: 'date-time', example: '2027-03-31T23:59:59+08:00', description: 'No send after this instant' })
  until: string;
}

/** Either `{at}`, or `{cron, timezone, until}`. */
export class CampaignScheduleDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-23T10:00:00+08:00',
    description: 'One-off: send once at this instant',
  })
  @ValidateIf((schedule: CampaignScheduleDto) => schedule.cron === undefined || schedule.at !== undefined)
  @IsInstant()
  at?: string;

  @ApiPropertyOptional({
    example: '0 10 * * 1',
    description:
      'Recurring: 5-field cron (minute hour day-of-month month day-of-week) in `timezone`; also `L` (last day, `5L` last Friday), `15W` (nearest weekday) and `1#2` (second Monday). A time a DST change skips happens when the gap ends, a repeated time once',
  })
  @ValidateIf((schedule: CampaignScheduleDto) => schedule.at === undefined || schedule.cron !== undefined)
  @IsString({ message: 'must be text: a 5-field cron expression such as 0 10 * * 1' })
  @MaxLength(200)
  cron?: string;

  @ApiPropertyOptional({ example: 'Asia/Taipei', description: "Recurring: the zone the cron's times are read in" })
  @ValidateIf((schedule: CampaignScheduleDto) => schedule.cron !== undefined || schedule.timezone !== undefined)
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2027-03-31T23:59:59+08:00',
    description: 'Recurring: no send after this instant',
  })
  @ValidateIf((schedule: CampaignScheduleDto) => schedule.cron !== undefined || schedule.until !== undefined)
  @IsInstant()
  until?: string;
}

export const DEFER_PRIORITY_ORDERS = ['desc', 'asc'] as const;

/** Policy defer: who goes now, by a contact attribute (ties, and contacts without it, last, by the seed). */
export class DeferPriorityDto {
  @ApiProperty({
    example: 'points',
    pattern: ATTRIBUTE_NAME_PATTERN.source,
    description:
      "A contact attribute: numbers by value, dates (the audience rules' ISO grammar) by instant, text in the database's order; true ranks above numbers, and numbers above text",
  })
  @IsString()
  @Matches(ATTRIBUTE_NAME_PATTERN, { message: 'must be an attribute name of 1 to 64 letters, digits, "_", "." or "-"' })
  attribute: string;

  @ApiProperty({ enum: DEFER_PRIORITY_ORDERS, description: 'desc: the highest values go now; asc: the lowest' })
  @IsIn(DEFER_PRIORITY_ORDERS)
  order: (typeof DEFER_PRIORITY_ORDERS)[number];
}

export const OVER_BUDGET_POLICIES = ['block', 'trim', 'defer'] as const;
export type OverBudgetPolicy = (typeof OVER_BUDGET_POLICIES)[number];

const FREQUENCY_CAP_FIELD: { nullable: true; oneOf: ApiSchema[] } = {
  nullable: true,
  oneOf: [{ $ref: getSchemaPath(FrequencyCapDto) }, { type: 'string', enum: ['none'] }],
};

@ApiExtraModels(FrequencyCapDto, OnceScheduleDto, RecurringScheduleDto)
export class CampaignCreateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  lineAccountId: string;

  @ApiProperty({ format: 'uuid', description: 'An audience of the same LINE account' })
  @IsUUID()
  audienceId: string;

  @ApiProperty({ example: 'November VIP sale' })
  @IsString()
  @Length(1, 200)
  name: string;

  /** Checked on save against LINE's message-object rules; problems name the path (messages[0].text). */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ type: 'text', text: 'Our VIP sale starts today!' }],
    description: `LINE message objects (text, image, video, audio, location, sticker, imagemap, template, flex, …): 1 to ${MAX_MESSAGE_OBJECTS}; more than 5 go out as several requests per recipient. Required unless the campaign is an A/B test (variants)`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MESSAGE_OBJECTS)
  messages?: unknown[];

  @ApiPropertyOptional({
    type: [CampaignVariantDto],
    nullable: true,
    minItems: MIN_VARIANTS,
    maxItems: MAX_VARIANTS,
    description: `An A/B test: ${MIN_VARIANTS} to ${MAX_VARIANTS} variants, each with its own messages, instead of messages (with abTest). null: not an A/B test`,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsArray()
  @ArrayMinSize(MIN_VARIANTS)
  @ArrayMaxSize(MAX_VARIANTS)
  @ValidateNested({ each: true })
  @Type(() => CampaignVariantDto)
  variants?: CampaignVariantDto[] | null;

  @ApiPropertyOptional({
    type: CampaignAbTestDto,
    nullable: true,
    description: 'How the A/B test of the variants runs; required with variants, null without',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @ValidateNested()
  @Type(() => CampaignAbTestDto)
  abTest?: CampaignAbTestDto | null;

  @ApiPropertyOptional({
    nullable: true,
    oneOf: [{ $ref: getSchemaPath(OnceScheduleDto) }, { $ref: getSchemaPath(RecurringScheduleDto) }],
    description:
      '{at} once; {cron, timezone, until} recurring (all three required: a recurring campaign says when it ends); null: only when sent with send-now',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CampaignScheduleDto)
  schedule?: CampaignScheduleDto | null;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: "Send to at most this many of the audience's following members",
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  maxRecipients?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '300',
    description: "Cap on one send's cost, in the account's currency",
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(DECIMAL_PATTERN, { message: 'must be a non-negative decimal string with at most 4 decimals, such as "300"' })
  costCap?: string | null;

  @ApiPropertyOptional({
    enum: OVER_BUDGET_POLICIES,
    default: 'block',
    description:
      'At the budget gate: block the send, trim it to the recipients that fit, or defer: send now the recipients whose messages are all free this month and the rest as a second run at the next monthly reset (one-off and send-now campaigns)',
  })
  @IsOptional()
  @IsIn(OVER_BUDGET_POLICIES)
  overBudgetPolicy?: OverBudgetPolicy;

  @ApiPropertyOptional({
    ...FREQUENCY_CAP_FIELD,
    description:
      "Frequency cap of this campaign's sends: null or absent, the LINE account's; {messages, days}, this campaign's own instead; \"none\", no cap (contacts at the account's cap get it too)",
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null && value !== 'none')
  @ValidateNested()
  @Type(() => FrequencyCapDto)
  frequencyCap?: FrequencyCapDto | 'none' | null;

  @ApiPropertyOptional({
    type: DeferPriorityDto,
    nullable: true,
    description:
      'Policy defer: who goes now. null or absent: a seeded random order; {attribute, order}: by that contact attribute, ties and contacts without it (last) in the seeded order. Kept, and unused, under the other policies',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @ValidateNested()
  @Type(() => DeferPriorityDto)
  deferPriority?: DeferPriorityDto | null;
}

export class CampaignUpdateDto extends PartialType(OmitType(CampaignCreateDto, ['lineAccountId'] as const)) {
  @VersionField({ description: 'The version you read; a stale one gets 409' })
  version: number;
}

/** Body of submit, withdraw, cancel, pause, resume and send-now. */
export class CampaignTransitionDto {
  @ApiPropertyOptional({ description: 'Why; kept in the audit log' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;

  @VersionField({ optional: true, description: 'The version you read: when given, a stale one gets 409' })
  version?: number;
}

export class CampaignSendNowDto extends CampaignTransitionDto {
  @ApiPropertyOptional({
    description:
      "Send even though the account's quiet hours are in force (approvers and admins only, with a reason; audited). " +
      'Without it, send-now inside quiet hours is refused with 422 and the time the send would go',
  })
  @IsOptional()
  @IsBoolean()
  overrideQuietHours?: boolean;
}

export class CampaignApproveDto {
  @ApiPropertyOptional({
    example: 'Checked the offer and the cost.',
    description: 'Kept with the approval and in the audit log',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;

  @VersionField({ optional: true, description: 'The version you reviewed: when given, a stale one gets 409' })
  version?: number;
}

export class CampaignRejectDto {
  @ApiProperty({ example: 'The coupon code is wrong.', description: 'Shown to the marketer and kept in the audit log' })
  @IsString()
  @Length(1, 2000)
  reason: string;

  @VersionField({ optional: true, description: 'The version you reviewed: when given, a stale one gets 409' })
  version?: number;
}

export const MAX_TEST_RECIPIENTS = 10;

export class CampaignTestSendDto {
  @ApiProperty({
    type: [String],
    example: ['U4af4980629a0b6c2b5a3f3a2c0b1d2e3'],
    description: `1 to ${MAX_TEST_RECIPIENTS} LINE user ids of the account's following contacts`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TEST_RECIPIENTS)
  @Matches(LINE_USER_ID_PATTERN, { each: true, message: 'each must be a LINE user id (U followed by 32 hex digits)' })
  lineUserIds: string[];
}

export class CampaignListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  lineAccountId?: string;
}

export class CampaignScheduleResponseDto {
  @ApiPropertyOptional({ format: 'date-time' }) at?: string;
  @ApiPropertyOptional() cron?: string;
  @ApiPropertyOptional() timezone?: string;
  @ApiPropertyOptional({ format: 'date-time' }) until?: string;
}

export class CampaignSubmissionDto {
  @ApiProperty({ format: 'uuid' }) submittedById: string;
  @ApiProperty({ format: 'date-time' }) submittedAt: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The forecast stored with the submission' })
  forecastId: string | null;
}

export class CampaignApprovalDto {
  @ApiProperty({ format: 'uuid' }) approvedById: string;
  @ApiProperty({ format: 'date-time' }) approvedAt: string;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ description: 'The campaign version approved; runs carry it' }) version: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) forecastId: string | null;
  @ApiProperty({ description: 'Recipients the approved forecast counted' }) recipients: number;
  @ApiProperty() messages: number;
  @ApiProperty({ type: MoneyDto, description: 'Cost of one send as approved; the budget gate compares against it' })
  cost: MoneyDto;
}

export class CampaignRejectionDto {
  @ApiProperty({ format: 'uuid' }) rejectedById: string;
  @ApiProperty({ format: 'date-time' }) rejectedAt: string;
  @ApiProperty() reason: string;
}

export class CampaignResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) lineAccountId: string;
  @ApiProperty({ format: 'uuid' }) audienceId: string;
  @ApiProperty() name: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The messages; empty on an A/B test (its variants have them)',
  })
  messages: unknown[];
  @ApiProperty({ type: [CampaignVariantDto], nullable: true, description: "An A/B test's variants (A, B, … in order)" })
  variants: CampaignVariantDto[] | null;
  @ApiProperty({ type: CampaignAbTestDto, nullable: true }) abTest: CampaignAbTestDto | null;
  @ApiProperty({
    description: 'Push requests per recipient: ceil(messages / 5); an A/B test counts its largest variant',
  })
  requestsPerRecipient: number;
  @ApiProperty({ type: CampaignScheduleResponseDto, nullable: true }) schedule: CampaignScheduleResponseDto | null;
  @ApiProperty({ nullable: true, type: Number }) maxRecipients: number | null;
  @ApiProperty({ type: MoneyDto, nullable: true }) costCap: MoneyDto | null;
  @ApiProperty({ enum: OVER_BUDGET_POLICIES }) overBudgetPolicy: OverBudgetPolicy;
  @ApiProperty({
    ...FREQUENCY_CAP_FIELD,
    description: 'null: the LINE account\'s frequency cap; {messages, days}: the campaign\'s own; "none": no cap',
  })
  frequencyCap: FrequencyCapDto | 'none' | null;
  @ApiProperty({
    type: DeferPriorityDto,
    nullable: true,
    description: 'Policy defer: who goes now (null: a seeded random order)',
  })
  deferPriority: DeferPriorityDto | null;
  @ApiProperty({ enum: CAMPAIGN_STATUSES }) status: CampaignStatus;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'uuid' }) createdById: string;
  @ApiProperty({ format: 'uuid' }) lastEditedById: string;
  @ApiProperty({ type: CampaignSubmissionDto, nullable: true }) submission: CampaignSubmissionDto | null;
  @ApiProperty({
    type: CampaignApprovalDto,
    nullable: true,
    description: 'The approval in force; null when there is none',
  })
  approval: CampaignApprovalDto | null;
  @ApiProperty({ type: CampaignRejectionDto, nullable: true, description: 'The last rejection' })
  lastRejection: CampaignRejectionDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** A block reason of a forecast: why the send would be refused, and the call that clears it. */
export class ForecastBlockReasonDto {
  @ApiProperty({ enum: ['over_budget', 'over_plan_limit', 'over_line_cap', 'quota_unknown'] }) code: string;
  @ApiProperty({ description: 'In words, with the figures and what to change' }) message: string;
  @ApiProperty({ example: 'PATCH /line-accounts/:id' }) clearedBy: string;
  @ApiPropertyOptional({ type: [ReasonDetailDto], description: "The message's parts as codes with their figures" })
  details?: ReasonDetailDto[];
}

/** One rate card band's share of a forecast's paid messages. */
export class BandCostDto {
  @ApiProperty({ description: "The band's first message position in the month" }) from: number;
  @ApiProperty({ description: "The band's last message position in the month" }) to: number;
  @ApiProperty({ example: '0.2000', description: 'Decimal string in the currency' }) unitPrice: string;
  @ApiProperty({ description: "The send's messages in this band" }) messages: number;
  @ApiProperty({ example: '20.0000', description: 'messages × unitPrice, decimal string' }) amount: string;
}

/** A forecast's cost as GET /campaigns/:id/forecast answers it: the amount and its bands. */
export class ForecastCostDto extends MoneyDto {
  @ApiProperty({ type: [BandCostDto], description: 'The paid messages by rate card band (empty when all are free)' })
  bands: BandCostDto[];
}

/** What the approver approves: the forecast stored with this submission or approval. */
export class CampaignForecastSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-12' }) month: string;
  @ApiProperty() recipients: number;
  @ApiProperty() messages: number;
  @ApiProperty() freeMessages: number;
  @ApiProperty() paidMessages: number;
  @ApiProperty({ type: ForecastCostDto }) cost: ForecastCostDto;
  @ApiProperty({
    enum: ['ok', 'over_budget', 'over_plan_limit', 'over_line_cap', 'quota_unknown'],
    description: 'ok, or the most severe reason the send would be refused at the gate if it went now',
  })
  verdict: string;
  @ApiProperty({ type: [ForecastBlockReasonDto], description: 'Every reason it would be refused (empty when ok)' })
  blockReasons: ForecastBlockReasonDto[];
  @ApiProperty({
    type: [String],
    description: 'What does not block but an approver should know (an unverified rate card, stale LINE figures)',
  })
  warnings: string[];
  @ApiProperty({
    type: DeferPlanDto,
    nullable: true,
    description:
      'Policy defer: the part sent now and the rest at the next monthly reset, each with its recipients, messages, cost and date; the approval covers both',
  })
  deferral: DeferPlanDto | null;
  @ApiProperty({
    type: TrimPlanDto,
    nullable: true,
    description:
      'Policy trim, when the whole audience would be refused but a part fits: the part the gate sends (the verdict is then ok)',
  })
  trim: TrimPlanDto | null;
}

/** Submit's and approve's answer: the campaign, and the forecast it was submitted or approved at. */
export class CampaignDecisionResponseDto extends CampaignResponseDto {
  @ApiProperty({ type: CampaignForecastSummaryDto }) forecast: CampaignForecastSummaryDto;
}

export class CampaignListResponseDto {
  @ApiProperty({ type: [CampaignResponseDto] }) items: CampaignResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CampaignAuditEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'campaign.approved' }) action: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null: the system (scheduler, dispatch)' })
  actorId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Reason, rejection reason or approval comment' }) reason:
    string | null;
  @ApiProperty({ nullable: true, description: 'State before: {status, version, …}' }) before: unknown;
  @ApiProperty({
    nullable: true,
    description: 'State after: {status, version, forecast: {id, recipients, messages, cost, verdict}, runs, …}',
  })
  after: unknown;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CampaignAuditResponseDto {
  @ApiProperty({ type: [CampaignAuditEventDto] }) items: CampaignAuditEventDto[];
  @ApiProperty({ nullable: true, type: String, description: "Always null: a campaign's history comes in one page" })
  nextCursor: string | null;
}

export class TestSendResultDto {
  @ApiProperty() lineUserId: string;
  @ApiProperty({ description: 'Every request to this user was accepted by LINE' }) accepted: boolean;
  @ApiProperty({ description: 'Push requests made (one per 5 message objects)' }) requests: number;
  @ApiProperty({ description: 'What LINE answered to each request', type: [String] }) outcomes: string[];
}

export class TestSendResponseDto {
  @ApiProperty({ type: [TestSendResultDto] }) results: TestSendResultDto[];
  @ApiProperty({ description: 'Messages counted in the month ledger (accepted requests)' }) messagesCounted: number;
  @ApiProperty({ type: MoneyDto }) cost: MoneyDto;
}

/**
 * A campaign as the composer holds it, not saved: what it would cost if sent as it stands. The name
 * may be given (the composer sends the whole draft) and is not used.
 */
export class CampaignDraftForecastDto extends OmitType(CampaignCreateDto, ['name'] as const) {
  @ApiPropertyOptional({ description: 'Ignored: a forecast does not depend on the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class CampaignDraftForecastResponseDto extends ForecastResponseDto {
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: "The send forecast: the schedule's time, or its first occurrence; null: now (send-now)",
  })
  sendAt: string | null;
}

export const MAX_SCHEDULE_PREVIEW = 20;

/** A recurring schedule to read: its next occurrences, in the zone. */
export class SchedulePreviewDto {
  @ApiProperty({ example: '0 10 * * 1', description: 'As in a campaign: 5-field cron read in `timezone`' })
  @IsString()
  @MaxLength(200)
  cron: string;

  @ApiProperty({ example: 'Asia/Taipei' })
  @IsTimeZone()
  timezone: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'No occurrence after this instant' })
  @IsOptional()
  @IsInstant()
  until?: string;

  @ApiPropertyOptional({ default: 5, minimum: 1, maximum: MAX_SCHEDULE_PREVIEW })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SCHEDULE_PREVIEW)
  count?: number;
}

export class ScheduleOccurrenceDto {
  @ApiProperty({ format: 'date-time', example: '2026-12-07T02:00:00.000Z' }) at: string;
  @ApiProperty({ example: '2026-12-07 10:00 +08:00', description: "The time in the schedule's zone, with its offset" })
  local: string;
  @ApiProperty({ example: 'Mon', description: 'The weekday there (ISO: Mon … Sun)' }) weekday: string;
}

export class SchedulePreviewResponseDto {
  @ApiProperty({ type: [ScheduleOccurrenceDto], description: 'After now, oldest first; fewer when the schedule ends' })
  occurrences: ScheduleOccurrenceDto[];
}

/** The approval the changes are counted from (it may have been withdrawn since). */
export class CampaignLastApprovalDto {
  @ApiProperty({ format: 'date-time' }) approvedAt: string;
  @ApiProperty({ format: 'uuid' }) approvedById: string;
  @ApiProperty({ description: 'The campaign version the approval covered' }) version: number;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
}

/** One field whose value differs from what the last approval covered. */
export class CampaignChangeDto {
  @ApiProperty({ enum: CONTENT_FIELDS }) field: ContentField;
  @ApiProperty({
    nullable: true,
    description:
      'The value at the last approval, as GET /campaigns/:id shows the field (audience: {id, name, definition}; costCap: a decimal string)',
  })
  before: unknown;
  @ApiProperty({ nullable: true, description: 'The value now, in the same form' })
  after: unknown;
}

export class CampaignChangesResponseDto {
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({
    type: CampaignLastApprovalDto,
    nullable: true,
    description: 'null: never approved (or approved before approvals kept their content)',
  })
  lastApproval: CampaignLastApprovalDto | null;
  @ApiProperty({ type: [CampaignChangeDto], description: 'Empty when nothing changed, or when never approved' })
  changes: CampaignChangeDto[];
}

/** PageQueryDto's fields, with a smaller page: each campaign of it is forecast for the answer. */
export class ApprovalListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  lineAccountId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class ApprovalItemDto {
  @ApiProperty({ type: CampaignResponseDto }) campaign: CampaignResponseDto;
  @ApiProperty({
    type: ForecastResponseDto,
    description: 'The forecast of its next send now, as GET /campaigns/:id/forecast (stored as a preview)',
  })
  forecast: ForecastResponse;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      "The forecast stored with its submission, as the audit log's campaign.submitted keeps it ({id, month, recipients, messages, freeMessages, paidMessages, cost, verdict, deferral, trim, reasons, rateCardId}); null: none kept",
  })
  atSubmission: object | null;
  @ApiProperty({ type: CampaignChangesResponseDto, description: 'As GET /campaigns/:id/changes' })
  changes: CampaignChangesResponseDto;
  @ApiProperty({ type: AudienceResponseDto, description: 'Its audience, as GET /audiences/:id' })
  audience: AudienceResponseDto;
  @ApiProperty({ type: AudienceSizeResponseDto, description: 'Its audience counted now, as GET /audiences/:id/size' })
  audienceSize: AudienceSizeResponseDto;
}

export class ApprovalListResponseDto {
  @ApiProperty({ type: [ApprovalItemDto] }) items: ApprovalItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
