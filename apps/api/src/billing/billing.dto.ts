import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
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

/** A forecast as the API answers it (docs/domain.md, "The forecast"); libs/domain/src/forecast has every field. */
export class ForecastResponseDto {
  @ApiProperty({ nullable: true, type: String }) campaignId: string | null;
  @ApiProperty() lineAccountId: string;
  @ApiProperty() month: string;
  @ApiProperty() computedAt: string;
  @ApiProperty() recipients: number;
  @ApiProperty() requestsPerRecipient: number;
  @ApiProperty() messages: number;
  @ApiProperty({
    description: '{free, used, reserved, headroom, remainingFree, source, fresh, paidSoFar, lineLimit, additionalCap}',
  })
  quota: object;
  @ApiProperty() freeMessages: number;
  @ApiProperty() paidMessages: number;
  @ApiProperty({ description: '{amount, currency, bands: [{from, to, unitPrice, messages, amount}]}' }) cost: object;
  @ApiProperty({
    description: '{monthlyCap, spentThisMonth, reservedThisMonth, remainingAfter, overBy, costCap, currency}',
  })
  budget: object;
  @ApiProperty({ enum: ['ok', 'over_budget', 'over_plan_limit', 'over_line_cap', 'quota_unknown'] }) verdict: string;
  @ApiProperty({ type: [String] }) verdicts: string[];
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty({
    type: [Object],
    description: 'trim {maxRecipients}, plan {plan, monthlyCost}, next_month {month, cost, verdict}',
  })
  suggestions: object[];
  @ApiProperty({ description: '{id, region, plan, currency, effectiveFrom, verified, source}' }) rateCard: object;
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
    description: "{endOfMonthMessages, endOfMonthSpend, elapsedFraction}: the pace so far extended to the month's end",
  })
  projection: object;
  @ApiProperty({ nullable: true, description: '{plan, monthlyCost}: the cheapest plan for the projected volume' })
  recommendedPlan: object | null;
  @ApiProperty({ description: "{quota, consumption, readAt, fresh, lastError}: LINE's last reading" }) line: object;
}
