import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { VersionField } from '../common/validation';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { quietHoursProblems } from '@lcm/domain/schedules';
import { MAX_ALERT_THRESHOLD_PERCENT, MAX_ALERT_THRESHOLDS } from '@lcm/domain/alerts';
import { DECIMAL_PATTERN, MoneyDto } from '../common/money.dto';
import { IsTimeZone } from '../common/time-zone';
import { FrequencyCapDto } from '../frequency-caps/frequency-caps.dto';

/** One field of quietHours, judged by the domain's rule (libs/domain/src/schedules/quiet-hours.ts). */
@ValidatorConstraint({ name: 'quietHoursField' })
class QuietHoursFieldConstraint implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return this.problem(args) === null;
  }
  defaultMessage(args: ValidationArguments): string {
    return this.problem(args) ?? 'is not valid';
  }
  private problem(args: ValidationArguments): string | null {
    const { start, end } = args.object as QuietHoursDto;
    return quietHoursProblems({ start, end }).find((p) => p.field === args.property)?.problem ?? null;
  }
}

export class QuietHoursDto {
  @ApiProperty({
    example: '21:00',
    pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
    description: 'Quiet from this wall-clock time (inclusive)',
  })
  @Validate(QuietHoursFieldConstraint)
  start: string;

  @ApiProperty({
    example: '09:00',
    pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
    description: 'Until this wall-clock time (exclusive); earlier than start wraps past midnight; never equal to start',
  })
  @Validate(QuietHoursFieldConstraint)
  end: string;
}

export class AlertsDto {
  @ApiProperty({
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    description: 'Where alerts are POSTed (JSON, Slack incoming-webhook compatible)',
  })
  @IsString()
  @Length(1, 2000)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  webhookUrl: string;

  @ApiPropertyOptional({
    writeOnly: true,
    description:
      'Write-only: the key of the X-Signature-256 HMAC-SHA256. Required the first time; left out, the one set is kept',
  })
  @IsOptional()
  @IsString()
  @Length(16, 200)
  secret?: string;

  @ApiPropertyOptional({
    type: [Number],
    example: [80, 100],
    default: [80, 100],
    description: 'Percentages of each limit (budget cap, free quota, LINE limit) the projection is alerted at',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ALERT_THRESHOLDS)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ALERT_THRESHOLD_PERCENT, { each: true })
  thresholds?: number[];
}

export class AlertsResponseDto {
  @ApiProperty() webhookUrl: string;
  @ApiProperty({ type: [Number] }) thresholds: number[];
  @ApiProperty({ description: 'A signing secret is set (it is never returned)' }) hasSecret: boolean;
}

export class LineAccountCreateDto {
  @ApiProperty({ example: 'Taipei flagship store' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '1657000000', description: 'The Messaging API channel id' })
  @IsString()
  @Matches(/^\d{1,20}$/, { message: 'must be the numeric channel id' })
  channelId: string;

  @ApiProperty({ writeOnly: true, description: 'Write-only: never returned, never logged' })
  @IsString()
  @Length(1, 1000)
  channelAccessToken: string;

  @ApiProperty({ writeOnly: true, description: 'Write-only: verifies webhook signatures' })
  @IsString()
  @Length(1, 200)
  channelSecret: string;

  @ApiPropertyOptional({ example: 'TW', default: 'TW' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'must be a two-letter region code such as TW or JP' })
  region?: string;

  @ApiProperty({
    example: 'high',
    description: "A plan code of the region's rate cards: TW light|medium|high, JP communication|light|standard",
  })
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'must be a plan code such as light, medium or high' })
  plan: string;

  @ApiPropertyOptional({ example: 'Asia/Taipei', default: 'Asia/Taipei' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiProperty({ example: '500', description: "Cap on the month's spend on additional messages, a decimal string" })
  @IsString()
  @Matches(DECIMAL_PATTERN, { message: 'must be a non-negative decimal string with at most 4 decimals, such as "500"' })
  monthlyBudget: string;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: "The additional-message cap set in LINE's console; null when none",
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  additionalMessageCap?: number | null;

  @ApiPropertyOptional({
    default: 0,
    description: 'Messages a month set aside for Push traffic this service does not send',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  otherPushHeadroom?: number;

  @ApiPropertyOptional({
    type: FrequencyCapDto,
    nullable: true,
    description:
      'At most `messages` campaign sends per contact in any rolling `days` days; contacts at it are left out of a send (a campaign may override it). null: no cap',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @ValidateNested()
  @Type(() => FrequencyCapDto)
  frequencyCap?: FrequencyCapDto | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: "LINE API base URL; null for LINE itself, or the simulator's URL",
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  apiBaseUrl?: string | null;

  @ApiPropertyOptional({
    type: QuietHoursDto,
    nullable: true,
    description:
      "Daily quiet hours in the account's timezone, e.g. {start: '21:00', end: '09:00'}: a run due inside them waits for them to end, a sending run pauses between batches and resumes when they end, send-now is refused unless an approver overrides. null (the default): off",
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;

  @ApiPropertyOptional({
    type: AlertsDto,
    nullable: true,
    description:
      "Alerts on the month's projection (budget cap, free quota, LINE's limit at each threshold, and scheduled runs forecast to be blocked), signed POSTs to webhookUrl. null (the default): off",
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => AlertsDto)
  alerts?: AlertsDto | null;
}

export class LineAccountUpdateDto extends PartialType(OmitType(LineAccountCreateDto, ['channelId'] as const)) {
  @VersionField({ description: 'The version you read; a stale one gets 409' })
  version: number;
}

export class LineAccountResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() channelId: string;
  @ApiProperty() region: string;
  @ApiProperty() plan: string;
  @ApiProperty() timezone: string;
  @ApiProperty({ type: MoneyDto }) monthlyBudget: MoneyDto;
  @ApiProperty({ nullable: true, type: Number }) additionalMessageCap: number | null;
  @ApiProperty() otherPushHeadroom: number;
  @ApiProperty({ type: FrequencyCapDto, nullable: true, description: 'null: no cap' })
  frequencyCap: FrequencyCapDto | null;
  @ApiProperty({ nullable: true, type: String }) apiBaseUrl: string | null;
  @ApiProperty({ description: 'Points at the bundled LINE simulator' }) isSandbox: boolean;
  @ApiProperty({ type: QuietHoursDto, nullable: true, description: "Quiet hours in the account's timezone; null: off" })
  quietHours: QuietHoursDto | null;
  @ApiProperty({ type: AlertsResponseDto, nullable: true, description: 'Alerts on the projection; null: off' })
  alerts: AlertsResponseDto | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class LineAccountListResponseDto {
  @ApiProperty({ type: [LineAccountResponseDto] }) items: LineAccountResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
