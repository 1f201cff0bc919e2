import type { ContactResponseDto } from './contacts.dto';
import type { ContactRow } from './contacts.repository';

export function toContactResponse(row: ContactRow): ContactResponseDto {
  return {
    id: row.id,
    lineAccountId: row.lineAccountId,
    lineUserId: row.lineUserId,
    displayName: row.displayName,
    tags: row.tags,
    attributes: row.attributes,
    status: row.status,
    followedAt: row.followedAt?.toISOString() ?? null,
    lastInteractionAt: row.lastInteractionAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
