import { ApiProperty } from '@nestjs/swagger';

export class LineQuotaDto {
  @ApiProperty({ enum: ['none', 'limited'] }) type: 'none' | 'limited';
  @ApiProperty({ nullable: true, type: Number, description: 'Free messages plus the additional cap set at LINE' })
  value: number | null;
}

export class LineConsumptionDto {
  @ApiProperty({ description: "This month's messages, all senders" }) totalUsage: number;
}

export class ReconciliationResultDto {
  @ApiProperty({ description: "Days whose delivery count was read from LINE (days LINE hadn't finished counting)" })
  daysRead: number;
  @ApiProperty({ description: 'Of those, the days LINE reported as ready' }) daysReady: number;
  @ApiProperty({ type: [String], description: 'Days LINE could not be asked about now (asked again at the next sync)' })
  failures: string[];
  @ApiProperty({ description: "The ledger's used messages before the reconciliation" }) ledgerUsedBefore: number;
  @ApiProperty({ description: '…and after it (see GET /line-accounts/:id/usage, `days`)' }) ledgerUsedAfter: number;
}

export class QuotaSyncResponseDto {
  @ApiProperty({ type: LineQuotaDto }) quota: LineQuotaDto;
  @ApiProperty({ type: LineConsumptionDto }) consumption: LineConsumptionDto;
  @ApiProperty({ format: 'date-time' }) syncedAt: string;
  @ApiProperty() month: string;
  @ApiProperty({
    type: ReconciliationResultDto,
    description: "The ledger reconciled with LINE's per-day delivery counts",
  })
  reconciliation: ReconciliationResultDto;
}

/** What an import run to its end in-process returns (the sandbox's import at start). */
export class FollowersImportResponseDto {
  @ApiProperty({ description: 'Follower ids LINE listed' }) followers: number;
  @ApiProperty({ description: 'New contacts' }) created: number;
  @ApiProperty({ description: 'Known contacts that became following again' }) updated: number;
  @ApiProperty({ description: 'Known contacts already following' }) unchanged: number;
  @ApiProperty() pages: number;
  @ApiProperty() durationMs: number;
}

export class FollowersImportJobResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) lineAccountId: string;
  @ApiProperty({
    enum: ['running', 'completed', 'failed'],
    description:
      'running until LINE listed its last page; failed with `error` (LINE refused, repeated a cursor, too many pages)',
  })
  state: string;
  @ApiProperty({ description: 'manual (this API), start (the sandbox at npm start) or schedule' }) trigger: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) requestedById: string | null;
  @ApiProperty({ description: 'Pages of up to 1,000 ids read from LINE so far' }) pages: number;
  @ApiProperty({ description: 'Follower ids LINE listed so far' }) idsSeen: number;
  @ApiProperty({ description: 'New contacts' }) created: number;
  @ApiProperty({ description: 'Known contacts that became following again' }) updated: number;
  @ApiProperty({ description: 'Known contacts already following' }) unchanged: number;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ format: 'date-time', description: 'Last progress' }) updatedAt: string;
}

export class WebhookResponseDto {
  @ApiProperty() received: number;
  @ApiProperty() applied: number;
  @ApiProperty({ description: 'Events seen before (same webhookEventId) and skipped' }) duplicates: number;
}
