import { Injectable } from '@nestjs/common';
import type { Campaign, CampaignStatus, Prisma } from '@lcm/database';
import { Keyset, keysetArgs } from '../common/pagination';
import { PrismaService, Transaction } from '../database/prisma.service';
import type { CampaignListQueryDto } from './campaigns.dto';

@Injectable()
export class CampaignsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  findById(id: string, tx?: Transaction): Promise<Campaign | null> {
    return this.prisma.db(tx).campaign.findUnique({ where: { id } });
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

  create(data: Prisma.CampaignUncheckedCreateInput, tx: Transaction): Promise<Campaign> {
    return this.prisma.db(tx).campaign.create({ data });
  }

  /**
   * Applies the change only while the campaign is in one of `statuses` (and at `version`, when
   * given), and bumps the version. PostgreSQL decides between concurrent callers: the second one
   * waits for the first's row lock, re-reads the row, no longer matches, and gets null.
   */
  async updateWhere(
    id: string,
    expected: { statuses: readonly CampaignStatus[]; version?: number },
    data: Prisma.CampaignUncheckedUpdateManyInput,
    tx: Transaction,
  ): Promise<Campaign | null> {
    const { count } = await this.prisma.db(tx).campaign.updateMany({
      where: {
        id,
        status: { in: [...expected.statuses] },
        ...(expected.version === undefined ? {} : { version: expected.version }),
      },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1 ? this.prisma.db(tx).campaign.findUnique({ where: { id } }) : null;
  }

  /** Campaigns using the audience whose approval is in force: the audience can't be deleted under them. */
  countLiveUsingAudience(audienceId: string, tx?: Transaction): Promise<number> {
    return this.prisma.db(tx).campaign.count({
      where: { audienceId, status: { in: ['approved', 'sending', 'paused', 'blocked', 'failed'] } },
    });
  }
}
