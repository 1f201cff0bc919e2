import { Injectable } from '@nestjs/common';
import type { CampaignRun, CampaignRunStatus, Prisma } from '@lcm/database';
import { Keyset, keysetArgs, PageQueryDto } from '../common/pagination';
import { PrismaService, Transaction } from '../database/prisma.service';

@Injectable()
export class CampaignRunsRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string, tx?: Transaction): Promise<CampaignRun | null> {
    return this.prisma.db(tx).campaignRun.findUnique({ where: { id } });
  }

  listForCampaign(campaignId: string, query: PageQueryDto): Promise<(CampaignRun & Keyset)[]> {
    const page = keysetArgs(query);
    return this.prisma.client.campaignRun.findMany({ ...page, where: { AND: [page.where, { campaignId }] } });
  }

  findForCampaign(campaignId: string, where: Prisma.CampaignRunWhereInput, tx: Transaction): Promise<CampaignRun[]> {
    return this.prisma.db(tx).campaignRun.findMany({
      where: { ...where, campaignId },
      orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * Creates the run unless one exists for the same campaign, approved version and time, and returns
   * whichever is there: asking twice for the same occurrence (a retried hook) makes one run.
   */
  async createOnce(
    data: Prisma.CampaignRunUncheckedCreateInput,
    tx: Transaction,
  ): Promise<{ run: CampaignRun; created: boolean }> {
    const { count } = await this.prisma.db(tx).campaignRun.createMany({ data: [data], skipDuplicates: true });
    const run = await this.prisma.db(tx).campaignRun.findUniqueOrThrow({
      where: {
        campaignId_campaignVersion_scheduledAt: {
          campaignId: data.campaignId,
          campaignVersion: data.campaignVersion,
          scheduledAt: data.scheduledAt,
        },
      },
    });
    return { run, created: count === 1 };
  }

  /** Changes the campaign's runs that are in one of `statuses`; returns the changed rows. */
  updateForCampaign(
    campaignId: string,
    statuses: readonly CampaignRunStatus[],
    data: Prisma.CampaignRunUncheckedUpdateManyInput,
    tx: Transaction,
    where: Prisma.CampaignRunWhereInput = {},
  ): Promise<CampaignRun[]> {
    return this.prisma
      .db(tx)
      .campaignRun.updateManyAndReturn({ where: { ...where, campaignId, status: { in: [...statuses] } }, data });
  }

  update(id: string, data: Prisma.CampaignRunUncheckedUpdateInput, tx: Transaction): Promise<CampaignRun> {
    return this.prisma.db(tx).campaignRun.update({ where: { id }, data });
  }
}
