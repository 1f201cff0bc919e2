import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination';

/** The kinds of entity the audit log holds; `entityType` is one of these. */
export const AUDIT_ENTITY_TYPES = ['audience', 'campaign', 'line_account', 'rate_card', 'user'] as const;

const INSTANT_DESCRIPTION =
  'An ISO-8601 date or date-time (with an offset when it has a time), such as 2026-12-01 or 2026-12-01T09:00:00+08:00';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_ENTITY_TYPES })
  @IsOptional()
  @IsIn(AUDIT_ENTITY_TYPES, { message: `must be one of ${AUDIT_ENTITY_TYPES.join(', ')}` })
  entityType?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One entity (give entityType too to be unambiguous)' })
  @IsOptional()
  @IsUUID('all', { message: 'must be an id (a UUID)' })
  entityId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Changes made by this user' })
  @IsOptional()
  @IsUUID('all', { message: 'must be the id (a UUID) of a user' })
  actorId?: string;

  @ApiPropertyOptional({ example: 'campaign.approved', description: 'Exact action name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: `From this instant on (inclusive). ${INSTANT_DESCRIPTION}` })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({ description: `Before this instant (exclusive). ${INSTANT_DESCRIPTION}` })
  @IsOptional()
  @IsString()
  to?: string;
}

export class AuditActorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Mei Lin' }) name: string;
  @ApiProperty({ example: 'mei@example.com' }) email: string;
}

export class AuditEventResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AUDIT_ENTITY_TYPES }) entityType: string;
  @ApiProperty({ format: 'uuid' }) entityId: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Autumn sale',
    description: "The entity's current name (a rate card: region, plan and first day); null when it is not found",
  })
  entityName: string | null;
  @ApiProperty({ example: 'audience.updated' }) action: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null: the system (scheduler, dispatch)' })
  actorId: string | null;
  @ApiProperty({ type: AuditActorDto, nullable: true, description: 'Who did it; null for the system' })
  actor: AuditActorDto | null;
  @ApiProperty({ nullable: true, type: String, description: 'Reason, rejection reason or approval comment' })
  reason: string | null;
  @ApiProperty({ nullable: true, description: 'The entity before the change (secrets redacted)' }) before: unknown;
  @ApiProperty({ nullable: true, description: 'The entity after the change (secrets redacted)' }) after: unknown;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AuditPageResponseDto {
  @ApiProperty({ type: [AuditEventResponseDto] }) items: AuditEventResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
