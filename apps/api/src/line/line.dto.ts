import { ApiProperty } from '@nestjs/swagger';

export class QuotaSyncResponseDto {
  @ApiProperty({ description: '{type: "none"|"limited", value}: free messages plus the additional cap set at LINE' })
  quota: object;
  @ApiProperty({ description: "{totalUsage}: this month's messages, all senders" }) consumption: object;
  @ApiProperty({ format: 'date-time' }) syncedAt: string;
  @ApiProperty() month: string;
}

export class FollowersImportResponseDto {
  @ApiProperty({ description: 'Follower ids LINE listed' }) followers: number;
  @ApiProperty({ description: 'New contacts' }) created: number;
  @ApiProperty({ description: 'Known contacts that became following again' }) updated: number;
  @ApiProperty({ description: 'Known contacts already following' }) unchanged: number;
  @ApiProperty() pages: number;
  @ApiProperty() durationMs: number;
}

export class WebhookResponseDto {
  @ApiProperty() received: number;
  @ApiProperty() applied: number;
  @ApiProperty({ description: 'Events seen before (same webhookEventId) and skipped' }) duplicates: number;
}
