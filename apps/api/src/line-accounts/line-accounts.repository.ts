import { Injectable } from '@nestjs/common';
import type { LineAccount, Prisma } from '@lcm/database';
import { Keyset, keysetArgs, PageQueryDto } from '../common/pagination';
import { PrismaService, Transaction } from '../database/prisma.service';

@Injectable()
export class LineAccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  findById(id: string, tx?: Transaction): Promise<LineAccount | null> {
    return this.prisma.db(tx).lineAccount.findUnique({ where: { id } });
  }

  findByChannelId(channelId: string): Promise<LineAccount | null> {
    return this.prisma.client.lineAccount.findUnique({ where: { channelId } });
  }

  listAll(): Promise<LineAccount[]> {
    return this.prisma.client.lineAccount.findMany();
  }

  list(query: PageQueryDto): Promise<(LineAccount & Keyset)[]> {
    return this.prisma.client.lineAccount.findMany(keysetArgs(query));
  }

  create(data: Prisma.LineAccountCreateInput, tx: Transaction): Promise<LineAccount> {
    return this.prisma.db(tx).lineAccount.create({ data });
  }

  async updateAtVersion(
    id: string,
    version: number,
    data: Prisma.LineAccountUpdateInput,
    tx: Transaction,
  ): Promise<LineAccount | null> {
    const { count } = await this.prisma.db(tx).lineAccount.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } } as Prisma.LineAccountUpdateManyMutationInput,
    });
    return count === 1 ? this.prisma.db(tx).lineAccount.findUnique({ where: { id } }) : null;
  }
}
