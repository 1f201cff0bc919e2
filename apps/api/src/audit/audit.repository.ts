import { Injectable } from '@nestjs/common';
import { Prisma } from '@lcm/database';
import { Keyset, keysetArgs, PageQueryDto } from '../common/pagination';
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

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(entry: AuditEntry, tx?: Transaction): Promise<void> {
    await this.prisma.db(tx).auditEvent.create({
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

  /** One keyset page (limit + 1 rows, newest first: a reader opens the log for what just happened) of the events that pass every given filter. */
  async search(filter: AuditFilter, page: PageQueryDto): Promise<(AuditRecord & Keyset)[]> {
    const keyset = keysetArgs(page, 'desc');
    const createdAt = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) };
    const rows = await this.prisma.client.auditEvent.findMany({
      ...keyset,
      where: {
        AND: [
          keyset.where,
          {
            ...(filter.entityType ? { entityType: filter.entityType } : {}),
            ...(filter.entityId ? { entityId: filter.entityId } : {}),
            ...(filter.actorId ? { actorId: filter.actorId } : {}),
            ...(filter.action ? { action: filter.action } : {}),
            ...(filter.from || filter.to ? { createdAt } : {}),
          },
        ],
      },
    });
    return rows.map((row) => ({ ...row, before: row.before ?? null, after: row.after ?? null }));
  }

  /** The entity's latest entry of `action` since `since`, or null. */
  async latestSince(
    entityType: string,
    entityId: string,
    action: string,
    since: Date,
    tx?: Transaction,
  ): Promise<AuditRecord | null> {
    const row = await this.prisma.db(tx).auditEvent.findFirst({
      where: { entityType, entityId, action, createdAt: { gte: since } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return row ? { ...row, before: row.before ?? null, after: row.after ?? null } : null;
  }

  /**
   * The current name of each entity an entry is about, keyed `type:id` (a deleted audience keeps its
   * row, so its name too); an entity not found is left out. One query per entity type on the page.
   */
  async entityNames(refs: { entityType: string; entityId: string }[]): Promise<Map<string, string>> {
    const idsOf = (type: string) => [...new Set(refs.filter((r) => r.entityType === type).map((r) => r.entityId))];
    const db = this.prisma.client;
    const select = { id: true, name: true } as const;
    const [campaigns, audiences, accounts, users, rateCards] = await Promise.all([
      idsOf('campaign').length ? db.campaign.findMany({ where: { id: { in: idsOf('campaign') } }, select }) : [],
      idsOf('audience').length ? db.audience.findMany({ where: { id: { in: idsOf('audience') } }, select }) : [],
      idsOf('line_account').length
        ? db.lineAccount.findMany({ where: { id: { in: idsOf('line_account') } }, select })
        : [],
      idsOf('user').length ? db.user.findMany({ where: { id: { in: idsOf('user') } }, select }) : [],
      idsOf('rate_card').length
        ? db.rateCard.findMany({
            where: { id: { in: idsOf('rate_card') } },
            select: { id: true, region: true, plan: true, effectiveFrom: true },
          })
        : [],
    ]);
    const names = new Map<string, string>();
    for (const [type, rows] of [
      ['campaign', campaigns],
      ['audience', audiences],
      ['line_account', accounts],
      ['user', users],
    ] as const)
      for (const row of rows) names.set(`${type}:${row.id}`, row.name);
    // A rate card has no name: its region, plan and first day say which it is.
    for (const card of rateCards)
      names.set(`rate_card:${card.id}`, `${card.region} ${card.plan} ${card.effectiveFrom.toISOString().slice(0, 10)}`);
    return names;
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
