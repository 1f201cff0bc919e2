import { ReasonDetailDto } from '../billing/billing.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { CampaignRunStatus } from '@lcm/database';
import { PageQueryDto } from '../common/pagination';
import { MoneyDto } from '../common/money.dto';
import { RUN_STATUSES } from './campaign-workflow';

export class RunMessagesCostDto {
  @ApiProperty() messages: number;
  @ApiProperty({ type: MoneyDto }) cost: MoneyDto;
}

export class RunApprovedDto extends RunMessagesCostDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) forecastId: string | null;
  @ApiProperty() recipients: number;
}

/** What became of the messages and cost the gate reserved for a run. */
export class RunReservationDto {
  @ApiProperty({
    enum: ['held', 'settled', 'released'],
    description: 'held while the run sends; settled or released once it ended',
  })
  status: string;
  @ApiProperty({
    type: RunMessagesCostDto,
    description: "Moved into the month's usage and spend as LINE accepted them",
  })
  settled: RunMessagesCostDto;
  @ApiProperty({ type: RunMessagesCostDto, description: 'Still reserved in the month ledger (0 once the run ended)' })
  held: RunMessagesCostDto;
  @ApiProperty({
    type: RunMessagesCostDto,
    description: 'Given back to the month when the run ended (0 while it sends)',
  })
  released: RunMessagesCostDto;
}

/** Why the budget gate blocked a run, or a note it left on a run that passed (`trimmed`). */
export class RunBlockReasonDto {
  @ApiProperty({
    example: 'over_budget',
    description:
      'over_budget, over_plan_limit, over_line_cap, quota_unknown, needs_reapproval, or a note that blocks nothing: trimmed, deferred',
  })
  code: string;
  @ApiProperty({
    example:
      'Spent 0.0000 TWD + reserved 0.0000 TWD + this send 600.0000 TWD = 600.0000 TWD, past the monthly budget of 500.0000 TWD by 100.0000 TWD: raise it (monthlyBudget) or send to fewer.',
    description: 'In words, with the figures and what to change; never repeats the code',
  })
  message: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'PATCH /line-accounts/:id',
    description:
      'The call that clears this reason: PATCH /line-accounts/:id (over_budget, over_plan_limit, over_line_cap), ' +
      "POST /campaigns/:id/withdraw (over_budget by the campaign's own costCap, changed once it is a draft again), " +
      'POST /line-accounts/:id/quota-sync (quota_unknown), POST /campaigns/:id/submit (needs_reapproval: back to ' +
      'pending_approval with a fresh forecast, then approve again). Then POST /runs/:id/retry, or send-now after the ' +
      'new approval. null on the trimmed and deferred notes, which block nothing.',
  })
  clearedBy: string | null;
  @ApiPropertyOptional({
    type: [ReasonDetailDto],
    description:
      "The message's parts as codes with their figures (on notes too: note.*); absent on runs blocked, and notes written, before they were kept",
  })
  details?: ReasonDetailDto[];
}

export class RunProgressDto {
  @ApiProperty() recipients: number;
  @ApiProperty() batches: number;
  @ApiProperty() batchesDone: number;
  @ApiProperty() delivered: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'Recipients neither delivered nor failed yet' }) remaining: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'Recipients LINE answered for (delivered or failed) per second since the run started, to its end or now; null before it started',
  })
  recipientsPerSecond: number | null;
  @ApiProperty({ description: 'Audience members the gate left out because they were at their frequency cap' })
  frequencyCapped: number;
}

/** Policy defer's link between the part sent now and the rest sent at the next monthly reset. */
export class RunDeferralDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'On the first run: the seed that ordered its snapshot (md5(seed || LINE user id)); the first recipients in that order went now',
  })
  seed: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'On the first run: the run that carries the rest (null when nothing had to be deferred)',
  })
  deferredRunId: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'On the rest: the run it was deferred from; its recipients are exactly that snapshot rows the first run did not take',
  })
  deferredFromRunId: string | null;
}

/** A run's part in an A/B test. */
export class RunAbTestDto {
  @ApiProperty({
    format: 'uuid',
    description: "The test's first run (variant A's), which every part of the test names",
  })
  testRunId: string;
  @ApiProperty({ enum: ['variant', 'remainder'] }) part: 'variant' | 'remainder';
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'B',
    description: "The variant this run sends (A, B, …); on the remainder the winner, null until it's decided",
  })
  variant: string | null;
  @ApiProperty({ type: String, nullable: true, description: "That variant's name" }) variantName: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "On the first run: the seed of the split (md5(seed || LINE user id) order; the first testShare% are the variants')",
  })
  seed: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'On the remainder: when the winner was decided (null while it waits)',
  })
  decidedAt: string | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description:
      'On the remainder: the last decision and its figures, {outcome: winner | variant_a | none | wait, winner, reason (below_threshold | tie | nothing_delivered | line_unavailable), metric, margin, figures: [{variant, name, runId, delivered, count, belowThreshold, rate}], waits, readAt, lineUnavailable ({attempts, lastError} or null), ceiling, summary}',
  })
  decision: unknown;
  @ApiProperty({ description: 'On the remainder: how many times the rule "wait" made it wait once more' })
  waits: number;
}

export class RunResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ format: 'uuid' }) lineAccountId: string;
  @ApiProperty({ enum: RUN_STATUSES }) status: CampaignRunStatus;
  @ApiProperty({
    enum: ['schedule', 'send_now', 'deferred', 'ab_variant', 'ab_remainder'],
    description:
      "An occurrence of the schedule, a send-now, the rest of a run deferred to the monthly reset (policy defer), or an A/B test's variant B, C, D or remainder",
  })
  trigger: string;
  @ApiProperty({ format: 'date-time' }) scheduledAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ description: 'The campaign version whose approval this run carries' }) campaignVersion: number;
  @ApiProperty({ type: RunApprovedDto, description: 'What the approver approved for one send' })
  approved: RunApprovedDto;
  @ApiProperty({
    nullable: true,
    description:
      "The budget gate's forecast (null until the run reaches the gate); its rateCard is a reference {id, region, plan, verified}: the card's full text is on GET /rate-cards",
  })
  forecast: unknown;
  @ApiProperty({
    type: RunMessagesCostDto,
    description: 'What the gate reserved in the month ledger when the run started',
  })
  reserved: RunMessagesCostDto;
  @ApiProperty({
    type: RunReservationDto,
    nullable: true,
    description: 'What became of that reservation: settled, still held, released (null: the gate reserved nothing)',
  })
  reservation: RunReservationDto | null;
  @ApiProperty({ type: RunProgressDto }) progress: RunProgressDto;
  @ApiProperty({ type: RunMessagesCostDto, description: 'Accepted by LINE and settled' }) actual: RunMessagesCostDto;
  @ApiProperty({ type: [RunBlockReasonDto] }) blockReasons: RunBlockReasonDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['cancel', 'pause'],
    description: 'Asked of a sending run; honoured between batches',
  })
  stopRequested: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'waiting for quiet hours to end at 09:00 +08:00',
    description:
      "What holds a run that could otherwise go now, in words with the time in the account's zone and its offset: " +
      'a due run waiting for quiet hours to end, or a sending one paused between batches until they end. null: nothing holds it',
  })
  statusDetail: string | null;
  @ApiPropertyOptional({
    type: [ReasonDetailDto],
    description:
      'statusDetail as a code with its figures (quiet_hours.waiting, quiet_hours.paused; params.at), for a client to word ' +
      'in its own language; absent when statusDetail is null',
  })
  statusDetails?: ReasonDetailDto[];
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When what statusDetail names ends (the end of quiet hours); null with it',
  })
  waitingUntil: string | null;
  @ApiProperty({
    description:
      'An approver sent this run inside quiet hours (send-now with overrideQuietHours): it sends through them',
  })
  quietHoursOverride: boolean;
  @ApiProperty({
    type: RunDeferralDto,
    nullable: true,
    description: 'Policy defer: this run and its other part (null on runs of other policies)',
  })
  deferral: RunDeferralDto | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'lcm_5kz1w9q2c8d7v3n0x4b6m1a2s',
    description:
      "LINE's aggregation unit every request of the run names, whose statistics are its results; null when the month's 1,000 units were used up (see blockReasons: no_aggregation_unit) or before the gate",
  })
  aggregationUnit: string | null;
  @ApiProperty({ type: RunAbTestDto, nullable: true, description: "The run's part in an A/B test (null: not one)" })
  abTest: RunAbTestDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class RunListResponseDto {
  @ApiProperty({ type: [RunResponseDto] }) items: RunResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RunListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this LINE account's runs" })
  @IsOptional()
  @IsUUID()
  lineAccountId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this campaign's runs" })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: CampaignRunStatus;
}
