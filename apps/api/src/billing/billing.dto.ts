import { AudienceExcludedDto } from '../audiences/audiences.dto';
import { FrequencyCapDto } from '../frequency-caps/frequency-caps.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import type { OverBudgetPolicy } from '@lcm/domain/forecast';
import { isMonth } from '@lcm/domain/pricing';
import { DECIMAL_PATTERN, MoneyDto } from '../common/money.dto';
import { IsInstant } from '../common/instant';

export class ForecastCreateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  lineAccountId: string;

  @ApiProperty({ example: 12000, description: 'Following, deduplicated recipients' })
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  recipients: number;

  @ApiProperty({
    example: 1,
    description: 'Message objects of the content; more than 5 means several requests per recipient',
  })
  @IsInt()
  @Min(1)
  @Max(100)
  messageObjects: number;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the send would happen (defaults to now); picks the month and the rate card',
  })
  @IsOptional()
  @IsInstant()
  sendAt?: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: '300', description: "Cap on this send's cost" })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(DECIMAL_PATTERN, { message: 'must be a non-negative decimal string with at most 4 decimals' })
  costCap?: string | null;

  @ApiPropertyOptional({
    enum: ['block', 'trim', 'defer'],
    default: 'block',
    description:
      '`defer` adds the split policy defer would make (`deferral`): the free part now, the rest at the reset',
  })
  @IsOptional()
  @IsIn(['block', 'trim', 'defer'])
  overBudgetPolicy?: OverBudgetPolicy;
}

export class UsageQueryDto {
  @ApiPropertyOptional({
    example: '2026-11',
    description: "The account's month (its time zone); defaults to the current one",
  })
  @IsOptional()
  @ValidateBy({
    name: 'isMonth',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isMonth(value),
      defaultMessage: () => 'must be a month from 1970-01 to 9999-12, such as 2026-11',
    },
  })
  month?: string;
}

/** One part of a deferred send (docs/domain.md, "Deferring the paid part"). */
export class DeferPartDto {
  @ApiProperty() recipients: number;
  @ApiProperty() messages: number;
  @ApiProperty() freeMessages: number;
  @ApiProperty() paidMessages: number;
  @ApiProperty({ example: '0.0000', description: 'Decimal string in `currency`' }) cost: string;
  @ApiProperty({ example: 'TWD' }) currency: string;
  @ApiProperty({ example: '2026-12', description: "The account's month the part goes in" }) month: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      "When: the send's instant (now), or the first instant of next month in the account's time zone (later)",
  })
  at: string | null;
  @ApiProperty({ enum: ['ok', 'over_budget', 'over_plan_limit', 'over_line_cap', 'quota_unknown'] }) verdict: string;
  @ApiProperty({ type: [String] }) verdicts: string[];
}

/** Who of a deferred send goes now: by a contact attribute, highest (desc) or lowest (asc) first. */
export class DeferPriorityOrderDto {
  @ApiProperty({ example: 'points' }) attribute: string;
  @ApiProperty({ enum: ['desc', 'asc'] }) order: string;
}

/** Policy defer's split: the recipients whose messages are all free this month now, the rest at the reset. */
export class DeferPlanDto {
  @ApiProperty({ enum: ['defer'] }) kind: string;
  @ApiProperty({ type: DeferPartDto, description: 'Sent now: every message free' }) now: DeferPartDto;
  @ApiProperty({
    type: DeferPartDto,
    description: "Sent at the next monthly reset, forecast against next month's quota",
  })
  later: DeferPartDto;
  @ApiProperty({ example: '1200.0000', description: "The whole send's cost now minus both parts' costs" })
  saves: string;
  @ApiProperty({ example: 'TWD' }) currency: string;
  @ApiPropertyOptional({
    type: DeferPriorityOrderDto,
    nullable: true,
    description:
      "A campaign's forecast: who goes now, by this contact attribute (ties in the seeded order); null: a seeded random order",
  })
  priority?: DeferPriorityOrderDto | null;
}

/** A reason the whole audience would be refused, with the call that clears it. */
export class TrimBlockReasonDto {
  @ApiProperty({ enum: ['over_budget', 'over_plan_limit', 'over_line_cap'] }) code: string;
  @ApiProperty() message: string;
  @ApiProperty({ example: 'PATCH /line-accounts/:id' }) clearedBy: string;
}

/** Policy trim's part: what the gate sends when the whole audience would be refused and a part fits. */
export class TrimPlanDto {
  @ApiProperty({ description: 'The largest recipient count that fits' }) recipients: number;
  @ApiProperty({ description: 'Audience members the trim leaves out' }) leftOut: number;
  @ApiProperty() messages: number;
  @ApiProperty() freeMessages: number;
  @ApiProperty() paidMessages: number;
  @ApiProperty({ example: '500.0000', description: 'Decimal string in `currency`' }) cost: string;
  @ApiProperty({ example: 'TWD' }) currency: string;
  @ApiProperty({ type: [TrimBlockReasonDto], description: 'Why the whole audience would be refused' })
  wouldBlock: TrimBlockReasonDto[];
}

/** A reason as a code with its figures, for a client to word in its own language (docs/api.md, "Reasons in any language"). */
export class ReasonDetailDto {
  @ApiProperty({ example: 'over_budget.monthly', description: 'What the reason says; new codes may appear' })
  code: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    example: {
      spent: '0.0000',
      reserved: '0.0000',
      cost: '600.0000',
      after: '600.0000',
      cap: '500.0000',
      over: '100.0000',
      currency: 'TWD',
    },
    description: 'The figures: counts are numbers, money a decimal string in `currency`',
  })
  params: Record<string, string | number>;
  @ApiProperty({ description: 'The same in English, as `reasons` or `message` words it' }) text: string;
}

/** The account's quiet hours while they are in force, and when they end. */
export class QuietHoursNowDto {
  @ApiProperty({ example: '21:00' }) start: string;
  @ApiProperty({ example: '09:00' }) end: string;
  @ApiProperty({ example: 'Asia/Taipei' }) timezone: string;
  @ApiProperty({ example: '2027-03-18T01:00:00.000Z', description: 'When they end: send-now goes from then' })
  until: string;
  @ApiProperty({ example: '2027-03-18 09:00 +08:00', description: "until in the account's timezone" })
  untilLocal: string;
}

/** A forecast as the API answers it (docs/domain.md, "The forecast"); libs/domain/src/forecast has every field. */
export class ForecastResponseDto {
  @ApiProperty({ nullable: true, type: String }) campaignId: string | null;
  @ApiProperty() lineAccountId: string;
  @ApiProperty({
    description:
      "The account's month the send goes in. A campaign's forecast (GET /campaigns/:id/forecast) while its send is under way (a run sending or paused, an A/B test's remainder waiting for the winner, the rest deferred to the reset) is of what it has still to send, in the month its next part goes, as that part's gate will forecast it: its own sends are in quota.used and budget.spentThisMonth, and what its own runs hold is not in quota.reserved or budget.reservedThisMonth (reasonDetails[0] is campaign.under_way, with the runs and what they hold)",
  })
  month: string;
  @ApiProperty() computedAt: string;
  @ApiProperty({
    description:
      "Recipients of the send forecast: the whole audience (after the campaign's limits), also under policy trim and defer (see trim and deferral for the part that goes now); of a send under way, those still to send",
  })
  recipients: number;
  @ApiPropertyOptional({
    type: AudienceExcludedDto,
    description:
      "A campaign's forecast: audience members left out: blocked, unfollowed, and at the campaign's frequency cap",
  })
  excluded?: AudienceExcludedDto;
  @ApiPropertyOptional({
    type: FrequencyCapDto,
    nullable: true,
    description: "A campaign's forecast: the frequency cap its send is held to (null: none)",
  })
  frequencyCap?: FrequencyCapDto | null;
  @ApiProperty() requestsPerRecipient: number;
  @ApiProperty() messages: number;
  @ApiProperty({
    description: '{free, used, reserved, headroom, remainingFree, source, fresh, paidSoFar, lineLimit, additionalCap}',
  })
  quota: object;
  @ApiProperty() freeMessages: number;
  @ApiProperty() paidMessages: number;
  @ApiProperty({
    description:
      "{amount, currency, bands: [{from, to, unitPrice, messages, amount}]}: all `recipients` sent in `month` at this month's figures (the cost an approval covers). Under policy defer that is not what this month pays: this month pays deferral.now.cost, the reset's month deferral.later.cost, and reasonDetails[0] (policy.defer) says so; under trim the gate sends trim's part",
  })
  cost: object;
  @ApiProperty({
    description: '{monthlyCap, spentThisMonth, reservedThisMonth, remainingAfter, overBy, costCap, currency}',
  })
  budget: object;
  @ApiProperty({ enum: ['ok', 'over_budget', 'over_plan_limit', 'over_line_cap', 'quota_unknown'] }) verdict: string;
  @ApiProperty({ type: [String] }) verdicts: string[];
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty({
    type: [ReasonDetailDto],
    description:
      'The reasons as codes with their figures, in the same order (a block reason of two parts is two entries)',
  })
  reasonDetails: ReasonDetailDto[];
  @ApiProperty({
    type: [Object],
    description:
      'trim {maxRecipients}, defer {now, later, saves} (the paid part at the next reset; saves: the money it saves, computed here), plan {plan, monthlyCost}, next_month {month, at, cost, verdict} (at: the instant to send instead, 10:00 on the 1st of that month in the zone of the account, to set as the schedule as is)',
  })
  suggestions: object[];
  @ApiProperty({
    type: DeferPlanDto,
    nullable: true,
    description:
      "Under policy defer (the campaign's, or overBudgetPolicy here), the two parts the gate would send; null when nothing would be deferred",
  })
  deferral: DeferPlanDto | null;
  @ApiProperty({
    type: TrimPlanDto,
    nullable: true,
    description:
      "Under policy trim (the campaign's, or overBudgetPolicy here), when the whole audience would be refused but a part fits: the part the gate sends. verdict, blockReasons and reasons then say what the gate does (verdict ok: it sends, trimmed); the figures above stay the whole audience's",
  })
  trim: TrimPlanDto | null;
  @ApiProperty({ description: '{id, region, plan, currency, effectiveFrom, verified, source}' }) rateCard: object;
  @ApiPropertyOptional({
    type: QuietHoursNowDto,
    nullable: true,
    description:
      "A campaign's forecast (GET /campaigns/:id/forecast): the account's quiet hours when they are in force at the time of asking, so send-now is refused until `until` unless an approver overrides; null when they are not",
  })
  quietHoursNow?: QuietHoursNowDto | null;
}

export class CampaignUsageDto {
  @ApiProperty({ nullable: true, type: String, description: 'null: sends outside campaigns' }) campaignId:
    string | null;
  @ApiProperty() messages: number;
  @ApiProperty() paidMessages: number;
  @ApiProperty({ type: MoneyDto }) cost: MoneyDto;
}

export class DeliveryDayDto {
  @ApiProperty({ example: '2026-12-01', description: "LINE's day (UTC+9) the messages were sent on" }) day: string;
  @ApiProperty({ enum: ['multicast', 'push'], description: 'multicast: campaign runs; push: test sends' }) kind: string;
  @ApiProperty({ description: 'Messages LINE accepted from this service that day' }) accepted: number;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['ready', 'unready', 'unavailable_for_privacy', 'out_of_service'],
    description: "LINE's status of its count for the day; null: not read yet",
  })
  status: string | null;
  @ApiProperty({ nullable: true, type: Number, description: "LINE's count (messages delivered), once ready" })
  counted: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'unavailable_for_privacy: LINE counted fewer than 20, so at most this (19)',
  })
  countedAtMost: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'accepted − counted, once ready: users who blocked the account and unknown ids',
  })
  difference: number | null;
  @ApiProperty({ description: "What the month ledger counts for the day (LINE's count once ready, else accepted)" })
  ledger: number;
  @ApiProperty({ description: "Part of the day's traffic fell into another month of the account: accepted stands" })
  spansMonths: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt: string | null;
}

export class OutsideTrafficDto {
  @ApiProperty({ description: "Outside messages in LINE's latest reading (part of sentSoFar)" }) soFar: number;
  @ApiProperty({ nullable: true, type: String, description: 'First reading of the trend window; null before two' })
  observedFrom: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Latest reading of the trend window' })
  observedTo: string | null;
  @ApiProperty({ example: '70.00', description: 'Outside messages a day, over a window of at least 7 days' })
  perDay: string;
  @ApiProperty({ description: 'perDay extended from the latest reading to the month end, rounded up' }) trend: number;
  @ApiProperty({ description: "The account's headroom for outside pushes" }) headroom: number;
  @ApiProperty({ description: 'What the projection counts: the larger of trend and headroom' }) restOfMonth: number;
}

export class ProjectedCampaignDto {
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ description: "The audience's current size, after the campaign's limit" }) recipients: number;
  @ApiProperty() messagesPerSend: number;
  @ApiProperty({ description: 'Sends left this month: the scheduled run and each later cron occurrence' })
  sends: number;
  @ApiProperty() messages: number;
  @ApiProperty() firstAt: string;
  @ApiProperty() lastAt: string;
  @ApiProperty({ description: 'More than 5,000 sends left this month: only 5,000 are counted' }) capped: boolean;
}

export class ScheduledProjectionDto {
  @ApiProperty() messages: number;
  @ApiProperty({ type: [ProjectedCampaignDto] }) campaigns: ProjectedCampaignDto[];
}

export class ProjectedLimitDto {
  @ApiProperty({ enum: ['free_quota', 'line_limit', 'budget'] }) kind: 'free_quota' | 'line_limit' | 'budget';
  @ApiProperty({ description: 'Messages, or for budget a decimal amount in the rate card currency' }) limit: string;
  @ApiProperty() projected: string;
  @ApiProperty({ description: 'projected / limit, whole percent rounded down' }) percent: number;
}

export class ProjectionResponseDto {
  @ApiProperty({ example: '0.500000' }) elapsedFraction: string;
  @ApiProperty({ description: '(a) Messages counted this month so far (used)' }) sentSoFar: number;
  @ApiProperty({ description: 'Messages reserved by runs still sending' }) reserved: number;
  @ApiProperty({ type: OutsideTrafficDto, description: '(b) Push traffic sent outside this service' })
  outside: OutsideTrafficDto;
  @ApiProperty({ type: ScheduledProjectionDto, description: '(c) Scheduled and recurring runs still due this month' })
  scheduled: ScheduledProjectionDto;
  @ApiProperty({ description: 'sentSoFar + reserved + outside.restOfMonth + scheduled.messages' })
  endOfMonthMessages: number;
  @ApiProperty() endOfMonthAdditionalMessages: number;
  @ApiProperty({ type: MoneyDto }) endOfMonthSpend: MoneyDto;
  @ApiProperty() exceedsPlanLimit: boolean;
  @ApiProperty({ type: [ProjectedLimitDto] }) limits: ProjectedLimitDto[];
}

export class RecommendedPlanDto {
  @ApiProperty() plan: string;
  @ApiProperty({ type: MoneyDto }) monthlyCost: MoneyDto;
  @ApiProperty() projectedMessages: number;
  @ApiProperty({ type: MoneyDto, nullable: true }) currentPlanMonthlyCost: MoneyDto | null;
}

export class UsageResponseDto {
  @ApiProperty() month: string;
  @ApiProperty() plan: string;
  @ApiProperty({ description: 'The rate card in force: {id, region, plan, currency, effectiveFrom, verified, source}' })
  rateCard: object;
  @ApiProperty() freeQuota: number;
  @ApiProperty() used: number;
  @ApiProperty() reserved: number;
  @ApiProperty() headroom: number;
  @ApiProperty() remainingFree: number;
  @ApiProperty({ description: 'Additional (paid) positions taken this month' }) paidMessages: number;
  @ApiProperty({ type: MoneyDto }) spend: MoneyDto;
  @ApiProperty({ type: MoneyDto }) reservedCost: MoneyDto;
  @ApiProperty({ type: MoneyDto }) budget: MoneyDto;
  @ApiProperty({ type: MoneyDto }) budgetRemaining: MoneyDto;
  @ApiProperty({ type: [CampaignUsageDto] }) byCampaign: CampaignUsageDto[];
  @ApiProperty({
    type: [DeliveryDayDto],
    description: "Per LINE day the service sent on: accepted, LINE's count, the difference and what the ledger counts",
  })
  days: DeliveryDayDto[];
  @ApiProperty({
    type: () => ProjectionResponseDto,
    description:
      "Where the month is heading: what was sent, outside traffic's trend, and the runs still due (docs/domain.md)",
  })
  projection: ProjectionResponseDto;
  @ApiProperty({
    type: () => RecommendedPlanDto,
    nullable: true,
    description: "The cheapest plan for the month (the rule of the forecast's plan suggestion); may be the current one",
  })
  recommendedPlan: RecommendedPlanDto | null;
  @ApiProperty({ description: "{quota, consumption, readAt, fresh, lastError}: LINE's last reading" }) line: object;
}
