import { Injectable } from '@nestjs/common';
import type { Audience, Prisma } from '@lcm/database';
import type { AudienceRule } from '@lcm/domain/segments';
import { Keyset, keysetArgs, PageQueryDto } from '../common/pagination';
import { PrismaService, Transaction } from '../database/prisma.service';
import { modelColumns } from '../database/sql-rows';

/** A new audience: its rule tree as validated, with the audiences the tree references. */
export type NewAudience = Pick<
  Audience,
  'lineAccountId' | 'name' | 'referencedAudienceIds' | 'createdById' | 'updatedById'
> & {
  definition: AudienceRule;
};

/** What an edit may change. */
export type AudienceChanges = Partial<
  Pick<NewAudience, 'name' | 'definition' | 'referencedAudienceIds' | 'updatedById'>
>;

/** Every column, for the reads on the pg pool (findLive and findLiveByIds outside a transaction). */
const AUDIENCE = modelColumns<Audience>({
  id: 'id',
  lineAccountId: 'line_account_id',
  name: 'name',
  definition: 'definition',
  referencedAudienceIds: 'referenced_audience_ids',
  version: 'version',
  createdById: 'created_by_id',
  updatedById: 'updated_by_id',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  deletedAt: 'deleted_at',
});

/** Arbitrary constant: with the account's hash, serializes changes to one account's audience graph. */
const AUDIENCE_GRAPH_LOCK = 72_651_904;

@Injectable()
export class AudiencesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /**
   * Held until the transaction ends: two concurrent edits of one account's audiences can't each pass
   * the cycle check and together close a cycle, nor delete an audience another one starts to reference.
   */
  async lockAccountGraph(lineAccountId: string, tx: Transaction): Promise<void> {
    await this.prisma.db(tx)
      .$executeRaw`SELECT pg_advisory_xact_lock(${AUDIENCE_GRAPH_LOCK}::int, hashtext(${lineAccountId}::text))`;
  }

  /**
   * Outside a transaction a prepared statement on the pg pool: the month's usage and every forecast
   * count each due campaign's audience, and Prisma's cost per query was most of what that read cost
   * in CPU (README, "API latency").
   */
  async findLive(id: string, tx?: Transaction): Promise<Audience | null> {
    if (tx) return this.prisma.db(tx).audience.findFirst({ where: { id, deletedAt: null } });
    const { rows } = await this.prisma.pool.query({
      name: 'audiences.live-by-id',
      text: `SELECT ${AUDIENCE.select('a')} FROM audiences a WHERE a.id = $1 AND a.deleted_at IS NULL`,
      values: [id],
    });
    return rows[0] ? AUDIENCE.read(rows[0]) : null;
  }

  /** Live audiences among `ids` (of any account: the caller checks the account); on the pg pool as findLive. */
  async findLiveByIds(ids: string[], tx?: Transaction): Promise<Audience[]> {
    if (!ids.length) return [];
    if (tx) return this.prisma.db(tx).audience.findMany({ where: { id: { in: ids }, deletedAt: null } });
    const { rows } = await this.prisma.pool.query({
      name: 'audiences.live-by-ids',
      text: `SELECT ${AUDIENCE.select('a')} FROM audiences a WHERE a.id = ANY($1::uuid[]) AND a.deleted_at IS NULL`,
      values: [ids],
    });
    return rows.map((row) => AUDIENCE.read(row));
  }

  /** Every live audience of the account with the audiences it references: the graph for cycle checks. */
  async referenceGraph(lineAccountId: string, tx: Transaction): Promise<Map<string, string[]>> {
    const rows = await this.prisma.db(tx).audience.findMany({
      where: { lineAccountId, deletedAt: null },
      select: { id: true, referencedAudienceIds: true },
    });
    return new Map(rows.map((row) => [row.id, row.referencedAudienceIds]));
  }

  /** Live audiences whose definition references this one directly. */
  findReferencing(audienceId: string, tx: Transaction): Promise<{ id: string; name: string }[]> {
    return this.prisma.db(tx).audience.findMany({
      where: { referencedAudienceIds: { has: audienceId }, deletedAt: null },
      select: { id: true, name: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  list(query: PageQueryDto & { lineAccountId?: string }): Promise<(Audience & Keyset)[]> {
    const page = keysetArgs(query);
    return this.prisma.client.audience.findMany({
      ...page,
      where: {
        AND: [page.where, { deletedAt: null }, query.lineAccountId ? { lineAccountId: query.lineAccountId } : {}],
      },
    });
  }

  create(audience: NewAudience, tx: Transaction): Promise<Audience> {
    return this.prisma.db(tx).audience.create({ data: { ...audience, definition: json(audience.definition) } });
  }

  async updateAtVersion(
    id: string,
    version: number,
    { definition, ...changes }: AudienceChanges,
    tx: Transaction,
  ): Promise<Audience | null> {
    const { count } = await this.prisma.db(tx).audience.updateMany({
      where: { id, version, deletedAt: null },
      data: { ...changes, ...(definition ? { definition: json(definition) } : {}), version: { increment: 1 } },
    });
    return count === 1 ? this.prisma.db(tx).audience.findUnique({ where: { id } }) : null;
  }

  /**
   * Locks the audience's row until the transaction ends, FOR UPDATE to delete it and FOR SHARE to
   * hold it (an approval); whether it is still live, read after the lock is granted.
   */
  async lockRow(id: string, mode: 'update' | 'share', tx: Transaction): Promise<boolean> {
    const rows =
      mode === 'update'
        ? await this.prisma.db(tx).$queryRaw<{ live: boolean }[]>`
            SELECT deleted_at IS NULL AS live FROM audiences WHERE id = ${id}::uuid FOR UPDATE`
        : await this.prisma.db(tx).$queryRaw<{ live: boolean }[]>`
            SELECT deleted_at IS NULL AS live FROM audiences WHERE id = ${id}::uuid FOR SHARE`;
    return rows[0]?.live === true;
  }

  async softDelete(id: string, at: Date, tx: Transaction): Promise<void> {
    await this.prisma.db(tx).audience.update({ where: { id }, data: { deletedAt: at, version: { increment: 1 } } });
  }
}

function json(rule: AudienceRule): Prisma.InputJsonValue {
  return rule as unknown as Prisma.InputJsonValue;
}
