import { FrequencyCapDto } from '../frequency-caps/frequency-caps.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VersionField } from '../common/validation';
import { Type } from 'class-transformer';
import { Allow, IsDefined, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { ContactResponseDto } from '../contacts/contacts.dto';

const DEFINITION_DESCRIPTION =
  'A rule tree: {"all": [...]}, {"any": [...]}, {"not": rule}, {"tag": "vip"}, ' +
  '{"attribute": "city", "op": "eq"|"neq"|"in"|"gt"|"gte"|"lt"|"lte"|"exists", "value": ...}, ' +
  '{"followedWithinDays": 30}, {"interactedWithinDays": 90}, {"audience": "<id>"}, {"list": ["U...", ...]}, ' +
  '{"tappedPostback": {"campaign": "<campaign id>", "label"?: "yes", "withinDays": 14}} (tapped that campaign\'s postback). ' +
  '{"all": []} is everyone who follows the account. A bad tree is refused with 400 and the path of the bad node, e.g. definition.all[2].op.';

const DEFINITION_EXAMPLE = {
  all: [
    { tag: 'vip' },
    { attribute: 'age', op: 'gte', value: 30 },
    { not: { attribute: 'city', op: 'eq', value: 'Taipei' } },
    { interactedWithinDays: 90 },
  ],
};

export class AudienceCreateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  lineAccountId: string;

  @ApiProperty({ example: 'VIPs outside Taipei, active lately' })
  @IsString()
  @Length(1, 200)
  name: string;

  /** Checked by the domain's validator (validateAudienceRule), which names the bad node's path. */
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: DEFINITION_DESCRIPTION,
    example: DEFINITION_EXAMPLE,
  })
  @IsDefined()
  definition: unknown;
}

/** A rule tree to count before it is saved (the console's live size while a tree is edited). */
export class AudienceSizeQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  lineAccountId: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: DEFINITION_DESCRIPTION,
    example: DEFINITION_EXAMPLE,
  })
  @IsDefined()
  definition: unknown;
}

export class AudienceUpdateDto {
  @VersionField({ description: 'The version you read; a stale one gets 409' })
  version: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  /** Checked by the domain's validator, like on create. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: DEFINITION_DESCRIPTION })
  @Allow()
  definition?: unknown;
}

export class AudienceListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this account's audiences" })
  @IsOptional()
  @IsUUID()
  lineAccountId?: string;
}

export class AudiencePreviewQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class AudienceResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) lineAccountId: string;
  @ApiProperty() name: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: DEFINITION_DESCRIPTION,
    example: DEFINITION_EXAMPLE,
  })
  definition: unknown;
  @ApiProperty({ type: [String], description: 'Audiences the definition references directly' })
  referencedAudienceIds: string[];
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) createdById: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) updatedById: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class AudienceListResponseDto {
  @ApiProperty({ type: [AudienceResponseDto] }) items: AudienceResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class AudienceExcludedDto {
  @ApiProperty({ description: 'Members who blocked the account: never sent to, never counted' }) blocked: number;
  @ApiProperty({ description: 'Members who unfollowed' }) unfollowed: number;
  @ApiProperty({
    description:
      "Following members at their frequency cap now (the account's, or the campaign's in a forecast): left out of a send. 0 without a cap",
  })
  frequencyCap: number;
}

export class AudienceSizeResponseDto {
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'null for a tree that is not saved' })
  audienceId: string | null;
  @ApiProperty({ description: 'Members who are following: who a campaign would reach (each LINE user once)' })
  recipients: number;
  @ApiProperty({ type: AudienceExcludedDto }) excluded: AudienceExcludedDto;
  @ApiProperty({ type: FrequencyCapDto, nullable: true, description: 'The frequency cap counted (null: none)' })
  frequencyCap: FrequencyCapDto | null;
  @ApiProperty({ format: 'date-time' }) computedAt: string;
}

export class AudiencePreviewResponseDto {
  @ApiProperty({ format: 'uuid' }) audienceId: string;
  @ApiProperty({ type: [ContactResponseDto], description: 'Following members, in lineUserId order' })
  items: ContactResponseDto[];
}
