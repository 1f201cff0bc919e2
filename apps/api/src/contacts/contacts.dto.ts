import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ATTRIBUTE_NAME_PATTERN, ATTRIBUTE_NAME_PROBLEM, ATTRIBUTE_OPS, type AttributeOp } from '@lcm/domain/segments';
import { ATTRIBUTE_VALUE_TYPES, type AttributeValueType } from '@lcm/domain/segments';
import { PageQueryDto } from '../common/pagination';
import { CONTACT_STATUSES, ContactStatusName, MAX_CONTACTS_PER_REQUEST } from './contact-input';
import { CONTACT_IMPORT_STATES, type ContactImportState } from './contact-import-progress.repository';

const ATTRIBUTES_SCHEMA = {
  type: 'object' as const,
  additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
  example: { city: 'Taipei', age: 31, member: true, signupDate: '2024-05-01' },
};

/**
 * One row of a bulk upsert. Rows are checked one by one by the service (`checkContactInput`), not by
 * the validation pipe, so a bad row is listed in `rejected` while the good ones are written.
 */
export class ContactInputDto {
  @ApiProperty({
    example: 'U4af4980629aaaaaaaaaaaaaaaaaaaaaa',
    description: 'U and 32 lowercase hex digits; unique per account',
  })
  lineUserId: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200, description: 'Omitted: kept as stored' })
  displayName?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['vip', 'newsletter'],
    description: 'Replaces the stored tags; omitted: kept',
  })
  tags?: string[];

  @ApiPropertyOptional({
    ...ATTRIBUTES_SCHEMA,
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }], nullable: true },
    description:
      'Strings, numbers, booleans (dates as ISO strings); merged key by key into the stored ones; null removes an attribute',
  })
  attributes?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ enum: CONTACT_STATUSES, description: 'Default for a new contact: following; omitted: kept' })
  status?: ContactStatusName;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' })
  followedAt?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' })
  lastInteractionAt?: string | null;
}

/**
 * The body of a bulk upsert, for the OpenAPI document only: the route takes the body as parsed and
 * `checkUpsertBody` checks it, because the validation pipe deletes keys named "constructor" and
 * "__proto__" from a body it validates (its guard against prototype pollution), and those are valid
 * attribute names that would otherwise be lost without a word.
 */
export class ContactsUpsertDto {
  @ApiProperty({
    type: [ContactInputDto],
    maxItems: MAX_CONTACTS_PER_REQUEST,
    description: `Up to ${MAX_CONTACTS_PER_REQUEST} contacts`,
  })
  contacts: unknown[];
}

export class ContactRejectionDto {
  @ApiProperty({ description: 'Position of the row in `contacts` (0-based)' }) index: number;
  @ApiProperty({ example: 'lineUserId: must be U followed by 32 lowercase hex digits' }) problem: string;
}

export class ContactsUpsertResponseDto {
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty({ type: [ContactRejectionDto] }) rejected: ContactRejectionDto[];
}

export class ContactImportRejectionDto {
  @ApiProperty({ description: 'Line of the file (1 is the header) on which the rejected record starts' }) line: number;
  @ApiProperty() problem: string;
}

export class ContactImportResponseDto {
  @ApiProperty({ description: 'Data records read (the header and blank lines not counted)' }) rows: number;
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty({ description: 'How many records were rejected in all' }) rejectedCount: number;
  @ApiProperty({ type: [ContactImportRejectionDto], description: 'The first rejected records (at most 1,000)' })
  rejected: ContactImportRejectionDto[];
  @ApiProperty({ description: 'True when more records were rejected than are listed' }) rejectedTruncated: boolean;
}

export class ContactImportQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'A new id the client chooses for this import (one per file): GET …/contacts/import/{importId} answers its progress while it runs',
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be an id (a UUID)' })
  importId?: string;
}

export class ContactImportProgressDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: CONTACT_IMPORT_STATES,
    description:
      'reading: the file is read, checked and staged; writing: the staged rows go into contacts (rowsWritten of rowsToWrite); ' +
      'completed or failed (a failed import wrote nothing)',
  })
  state: ContactImportState;
  @ApiProperty({ description: 'Data records read from the file so far' }) rowsRead: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Distinct users the import writes, known once the whole file is read',
  })
  rowsToWrite: number | null;
  @ApiProperty({ description: 'Users written so far (visible to others once the import commits)' })
  rowsWritten: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Once completed' }) created: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Once completed' }) updated: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Once completed' }) rejectedCount: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why it failed' }) error: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ format: 'date-time', description: 'Last progress written (every second while it runs)' })
  updatedAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt: string | null;
}

export class ContactListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only contacts with this tag' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  tag?: string;

  @ApiPropertyOptional({ enum: CONTACT_STATUSES })
  @IsOptional()
  @IsIn(CONTACT_STATUSES)
  status?: ContactStatusName;

  @ApiPropertyOptional({
    description: 'Only contacts whose attribute matches (with op, value and valueType), as an audience rule would',
    example: 'city',
  })
  @IsOptional()
  @Matches(ATTRIBUTE_NAME_PATTERN, { message: ATTRIBUTE_NAME_PROBLEM })
  attribute?: string;

  @ApiPropertyOptional({ enum: ATTRIBUTE_OPS, description: 'With attribute; eq when omitted' })
  @IsOptional()
  @IsIn(ATTRIBUTE_OPS)
  op?: AttributeOp;

  @ApiPropertyOptional({
    description:
      'With attribute: the value compared with, read as valueType; comma-separated for in; true/false or nothing for exists',
    example: 'Taipei',
  })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  value?: string;

  @ApiPropertyOptional({ enum: ATTRIBUTE_VALUE_TYPES, description: 'How value is read; text when omitted' })
  @IsOptional()
  @IsIn(ATTRIBUTE_VALUE_TYPES)
  valueType?: AttributeValueType;
}

export class ContactResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) lineAccountId: string;
  @ApiProperty() lineUserId: string;
  @ApiProperty({ nullable: true, type: String }) displayName: string | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty(ATTRIBUTES_SCHEMA) attributes: Record<string, string | number | boolean>;
  @ApiProperty({ enum: CONTACT_STATUSES }) status: ContactStatusName;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) followedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastInteractionAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ContactListResponseDto {
  @ApiProperty({ type: [ContactResponseDto] }) items: ContactResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
