import { Injectable } from '@nestjs/common';
import { Prisma } from '@lcm/database';
import { PrismaService, Transaction } from '../database/prisma.service';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'reason'>> {
  id: string;
  reason: string | null;
  createdAt: Date;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(entry: AuditEntry, tx?: Transaction): Promise<void> {
    await (tx ?? this.prisma.client).auditEvent.create({
      data: {
        actorId: entry.actorId,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        before: toJson(entry.before),
        after: toJson(entry.after),
        reason: entry.reason ?? null,
      },
    });
  }

  async listFor(entityType: string, entityId: string): Promise<AuditRecord[]> {
    const rows = await this.prisma.client.auditEvent.findMany({
      where: { entityType, entityId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((row) => ({ ...row, before: row.before ?? null, after: row.after ?? null }));
  }
}

function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  return value === undefined || value === null
    ? Prisma.JsonNull
    : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
}
