import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReasonDetailDto } from '../billing/billing.dto';
import { MoneyDto } from '../common/money.dto';

/** A count LINE reported: a number, or "fewer than 20" (LINE answers null under 20), never 0 for it. */
export class ResultCountDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 420,
    description: 'The count; null when LINE said fewer than 20 (belowThreshold) or has not been read yet',
  })
  value: number | null;
  @ApiProperty({ description: 'True when LINE reported fewer than 20 (its null): shown as "fewer than 20", never 0' })
  belowThreshold: boolean;
  @ApiProperty({
    required: false,
    description: 'A total with some parts under 20: its known parts add up to at least this',
  })
  atLeast?: number;
}

/** Shares of the delivered recipients, as exact fractions with 4 decimals ("0.4200" is 42%). */
export class ResultRatesDto {
  @ApiProperty({ type: String, nullable: true, example: '0.4200', description: 'uniqueImpressions / delivered' })
  uniqueImpressionRate: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.0600', description: 'uniqueClicks / delivered' })
  uniqueClickRate: string | null;
  @ApiProperty({ type: String, nullable: true, example: '0.0000', description: 'uniqueMediaPlayed / delivered' })
  uniqueMediaPlayedRate: string | null;
}

export class ResultCostDto {
  @ApiProperty({ type: MoneyDto, description: 'The cost the budget gate forecast and reserved when the run started' })
  forecast: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'The cost the approver approved' })
  approved: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'What the messages LINE accepted cost' })
  actual: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'actual − forecast (negative: cheaper than forecast)' })
  difference: MoneyDto;
}

/** Cost divided by what it bought; null where the divisor is unknown (fewer than 20) or zero. */
export class ResultCostPerDto {
  @ApiProperty({ type: MoneyDto, nullable: true }) thousandDelivered: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true }) uniqueImpression: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true }) uniqueClick: MoneyDto | null;
}

export class ResultFiguresDto {
  @ApiProperty({ description: 'Recipients whose request LINE accepted' }) delivered: number;
  @ApiProperty({ type: ResultCountDto }) uniqueImpressions: ResultCountDto;
  @ApiProperty({ type: ResultCountDto }) uniqueClicks: ResultCountDto;
  @ApiProperty({ type: ResultCountDto }) uniqueMediaPlayed: ResultCountDto;
  @ApiProperty({ type: ResultRatesDto }) rates: ResultRatesDto;
  @ApiProperty({ type: ResultCostDto }) cost: ResultCostDto;
  @ApiProperty({ type: ResultCostPerDto }) costPer: ResultCostPerDto;
}

/** One reading of LINE's statistics, as it was at `readAt`. */
export class ResultReadingDto {
  @ApiProperty({ format: 'date-time' }) readAt: string;
  @ApiProperty({ example: '2026-12-01', description: "LINE's period, first day (UTC+9)" }) from: string;
  @ApiProperty({ example: '2026-12-03', description: "LINE's period, last day (UTC+9)" }) to: string;
  @ApiProperty({ type: ResultCountDto }) uniqueImpressions: ResultCountDto;
  @ApiProperty({ type: ResultCountDto }) uniqueClicks: ResultCountDto;
  @ApiProperty({ type: ResultCountDto }) uniqueMediaPlayed: ResultCountDto;
}

export class RunResultsDto extends ResultFiguresDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ example: 'completed' }) status: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The run's aggregation unit; null: sent without one" })
  aggregationUnit: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why there are no results to read (no unit this month), in words',
  })
  note: string | null;
  @ApiPropertyOptional({
    type: [ReasonDetailDto],
    description:
      'note as a code with its figures (note.no_aggregation_unit; params.units), for a client to word in its own language; absent when note is null',
  })
  noteDetails?: ReasonDetailDto[];
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: "The latest reading of LINE's figures",
  })
  readAt: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'LINE updates the figures until then (the end of the 14th day after the send day, UTC+9)',
  })
  updatesUntil: string | null;
  @ApiProperty({ type: [ResultReadingDto], description: 'Every reading, oldest first' })
  readings: ResultReadingDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['variant', 'remainder'],
    description: "An A/B test's run: a variant's group, or the remainder (the winner's send); null: not a test",
  })
  abPart: 'variant' | 'remainder' | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'B',
    description: 'The variant the run sent (the remainder: the winner; null while undecided)',
  })
  variant: string | null;
  @ApiProperty({ type: String, nullable: true }) variantName: string | null;
  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    description: 'The rest of this run, deferred to the monthly reset (policy defer); null: not a deferred rest',
  })
  deferredFromRunId: string | null;
}

/** An A/B test's figures: one entry per variant and the remainder, and how the winner was decided. */
export class AbTestResultsDto {
  @ApiProperty({ format: 'uuid' }) testRunId: string;
  @ApiProperty({ enum: ['unique_click_rate', 'unique_impression_rate'] }) metric: string;
  @ApiProperty({ description: 'Percent of the recipients that got a variant' }) testShare: number;
  @ApiProperty({ type: [RunResultsDto], description: "Each variant's run, A first" }) variants: RunResultsDto[];
  @ApiProperty({
    type: RunResultsDto,
    nullable: true,
    description: "The winner's send to the rest (null before it started, or when nothing was sent to them)",
  })
  remainder: RunResultsDto | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['waiting', 'winner', 'variant_a', 'none', 'wait', 'cancelled'],
    description:
      'waiting: not decided yet; winner; variant_a / none by the undecided rule; wait: waiting once more; cancelled: the campaign was cancelled before the decision (the rest got nothing)',
  })
  outcome: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'B', description: 'The variant sent to the rest' })
  winner: string | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: "The decision's figures (as on the remainder run's abTest.decision)",
  })
  decision: unknown;
}

export class AggregationUnitsDto {
  @ApiProperty({ example: '2026-12', description: "The account's month" }) month: string;
  @ApiProperty({ description: 'Unit names used this month (this service and, from LINE, other tools)' }) used: number;
  @ApiProperty({ example: 1000 }) limit: number;
  @ApiProperty({ description: 'Runs that can still get their own unit this month' }) remaining: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: "LINE's count read at" })
  lineReadAt: string | null;
}

export class CampaignResultsDto {
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ example: 'TWD' }) currency: string;
  @ApiProperty({ type: ResultFiguresDto, description: 'All runs together' }) total: ResultFiguresDto;
  @ApiProperty({ type: [RunResultsDto], description: 'Each run that started, in the order they started' })
  runs: RunResultsDto[];
  @ApiProperty({ type: AbTestResultsDto, nullable: true, description: "The campaign's A/B test (null: not one)" })
  abTest: AbTestResultsDto | null;
  @ApiProperty({ type: AggregationUnitsDto }) aggregationUnits: AggregationUnitsDto;
}
