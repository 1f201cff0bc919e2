import { Injectable } from '@nestjs/common';
import { parseIsoInstant } from '@lcm/domain/segments';
import { ApiError } from '../common/api-error';
import { toPage } from '../common/pagination';
import { UsersService } from '../users/users.service';
import { AuditEventResponseDto, AuditPageResponseDto, AuditQueryDto } from './audit.dto';
import { AuditFilter } from './audit.repository';
import { AuditService } from './audit.service';

/** Reading the audit log across entities, with the actors' names (a module apart: users write to the log). */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  async list(query: AuditQueryDto): Promise<AuditPageResponseDto> {
    const filter: AuditFilter = {
      entityType: query.entityType,
      entityId: query.entityId?.toLowerCase(),
      actorId: query.actorId?.toLowerCase(),
      action: query.action,
      from: instant('from', query.from),
      to: instant('to', query.to),
    };
    if (filter.from && filter.to && filter.from >= filter.to) throw ApiError.field('to', 'must be later than from');
    const rows = await this.audit.search(filter, query);
    const [actors, names] = await Promise.all([
      this.users.namesOf(rows.flatMap((row) => (row.actorId ? [row.actorId] : []))),
      this.audit.entityNames(rows),
    ]);
    return toPage(rows, query, (row): AuditEventResponseDto => ({
      id: row.id,
      entityType: row.entityType,
      entityId: row.entityId,
      entityName: names.get(`${row.entityType}:${row.entityId}`) ?? null,
      action: row.action,
      actorId: row.actorId,
      actor: row.actorId ? (actors.get(row.actorId) ?? null) : null,
      reason: row.reason,
      before: row.before,
      after: row.after,
      createdAt: row.createdAt.toISOString(),
    }));
  }
}

function instant(field: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const parsed = parseIsoInstant(text);
  if (!parsed || (text.includes('T') && !/(Z|[+-]\d{2}:\d{2})$/.test(text)))
    throw ApiError.field(
      field,
      'must be a date (2026-12-01) or a date-time with an offset (2026-12-01T09:00:00+08:00)',
    );
  return new Date(parsed.epochSeconds * 1000 + Math.floor(parsed.microseconds / 1000));
}
