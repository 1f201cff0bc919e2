import { Injectable } from '@nestjs/common';
import { Prisma as PrismaNamespace } from '@lcm/database';
import type { Campaign, CampaignStatus, Prisma } from '@lcm/database';
import { Keyset, keysetArgs } from '../common/pagination';
import { PrismaService, Transaction } from '../database/prisma.service';
import type { CampaignListQueryDto } from './campaigns.dto';

/**
 * What the service writes to a campaign: any column but the keys and what PostgreSQL keeps (version,
 * timestamps), with the messages as the API gives them and money as decimal strings.
 */
export type CampaignChanges = Partial<
  Omit<Campaign, 'id' | 'lineAccountId' | 'createdById' | 'version' | 'createdAt' | 'updatedAt' | MappedColumns>
> & {
  messages?: unknown[];
  costCap?: string | null;
  approvedCost?: string | null;
  /** null: not an A/B test (SQL NULL, not JSON null) */
  variants?: object[] | null;
  abTest?: object | null;
  /** What the last approval covered (campaign-changes.service.ts) */
  lastApproved?: object | null;
};

/** A new campaign: its account, audience, name, messages and author, and any other column. */
export type NewCampaign = CampaignChanges &
  Pick<Campaign, 'lineAccountId' | 'audienceId' | 'name' | 'createdById' | 'lastEditedById'> & {
    messages: unknown[];
    /** Chosen by the service when the content must name the campaign (its postback data). */
    id?: string;
  };

type MappedColumns = 'messages' | 'costCap' | 'approvedCost' | 'variants' | 'abTest' | 'lastApproved';

@Injectable()
export class CampaignsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  findById(id: string, tx?: Transaction): Promise<Campaign | null> {
    return this.prisma.db(tx).campaign.findUnique({ where: { id } });
  }

  /** Which of `ids` are campaigns of the account. */
  async findIdsOnAccount(ids: readonly string[], lineAccountId: string, tx?: Transaction): Promise<string[]> {
    const found = await this.prisma
      .db(tx)
      .campaign.findMany({ where: { id: { in: [...ids] }, lineAccountId }, select: { id: true } });
    return found.map((campaign) => campaign.id);
  }

  /**
   * The campaign with its row locked until the transaction ends: actions that touch its runs
   * (withdraw, cancel, pause, resume, send-now, the run hooks) take it first, so they serialize
   * with each other and with the gate, which locks it too before starting a run.
   */
  async lockById(id: string, tx: Transaction): Promise<Campaign | null> {
    await this.prisma.db(tx).$queryRaw`SELECT id FROM campaigns WHERE id = ${id}::uuid FOR UPDATE`;
    return this.prisma.db(tx).campaign.findUnique({ where: { id } });
  }

  list(query: CampaignListQueryDto): Promise<(Campaign & Keyset)[]> {
    const page = keysetArgs(query);
    return this.prisma.client.campaign.findMany({
      ...page,
      where: {
        AND: [
          page.where,
          query.status ? { status: query.status } : {},
          query.lineAccountId ? { lineAccountId: query.lineAccountId } : {},
        ],
      },
    });
  }

  create(campaign: NewCampaign, tx: Transaction): Promise<Campaign> {
    return this.prisma.db(tx).campaign.create({
      data: {
        ...withoutJson(campaign),
        ...jsonColumns(campaign),
        messages: campaign.messages as Prisma.InputJsonValue,
      },
    });
  }

  /**
   * Applies the change only while the campaign is in one of `statuses` (and at `version`, when
   * given), and bumps the version. PostgreSQL decides between concurrent callers: the second one
   * waits for the first's row lock, re-reads the row, no longer matches, and gets null.
   */
  async updateWhere(
    id: string,
    expected: { statuses: readonly CampaignStatus[]; version?: number },
    changes: CampaignChanges,
    tx: Transaction,
  ): Promise<Campaign | null> {
    const { count } = await this.prisma.db(tx).campaign.updateMany({
      where: {
        id,
        status: { in: [...expected.statuses] },
        ...(expected.version === undefined ? {} : { version: expected.version }),
      },
      data: { ...columnsOf(changes), version: { increment: 1 } },
    });
    return count === 1 ? this.prisma.db(tx).campaign.findUnique({ where: { id } }) : null;
  }

  countUsingAudience(audienceId: string, statuses: readonly CampaignStatus[], tx?: Transaction): Promise<number> {
    return this.prisma.db(tx).campaign.count({ where: { audienceId, status: { in: [...statuses] } } });
  }
}

function columnsOf({ messages, ...columns }: CampaignChanges): Prisma.CampaignUncheckedUpdateManyInput {
  const mapped = { ...withoutJson(columns), ...jsonColumns(columns) };
  return messages === undefined ? mapped : { ...mapped, messages: messages as Prisma.InputJsonValue };
}

function withoutJson<T extends CampaignChanges>(changes: T): Omit<T, 'variants' | 'abTest' | 'lastApproved'> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { variants, abTest, lastApproved, ...rest } = changes;
  return rest;
}

/** The nullable JSON columns: null is SQL NULL (Prisma.DbNull), not a JSON null. */
function jsonColumns(changes: Pick<CampaignChanges, 'variants' | 'abTest' | 'lastApproved'>): {
  variants?: Prisma.InputJsonValue | typeof PrismaNamespace.DbNull;
  abTest?: Prisma.InputJsonValue | typeof PrismaNamespace.DbNull;
  lastApproved?: Prisma.InputJsonValue | typeof PrismaNamespace.DbNull;
} {
  const json = (value: object | null | undefined) =>
    value === undefined ? undefined : value === null ? PrismaNamespace.DbNull : (value as Prisma.InputJsonValue);
  return {
    ...(changes.variants !== undefined ? { variants: json(changes.variants) } : {}),
    ...(changes.abTest !== undefined ? { abTest: json(changes.abTest) } : {}),
    ...(changes.lastApproved !== undefined ? { lastApproved: json(changes.lastApproved) } : {}),
  };
}
