import type { Audience } from '@lcm/database';
import type { AudienceResponseDto } from './audiences.dto';

export function toAudienceResponse(audience: Audience): AudienceResponseDto {
  return {
    id: audience.id,
    lineAccountId: audience.lineAccountId,
    name: audience.name,
    definition: audience.definition,
    referencedAudienceIds: audience.referencedAudienceIds,
    version: audience.version,
    createdById: audience.createdById,
    updatedById: audience.updatedById,
    createdAt: audience.createdAt.toISOString(),
    updatedAt: audience.updatedAt.toISOString(),
  };
}
