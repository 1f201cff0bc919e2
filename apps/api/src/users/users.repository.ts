import { Injectable } from '@nestjs/common';
import type { User } from '@lcm/database';
import { PrismaService, Transaction } from '../database/prisma.service';
import { Keyset, keysetArgs, PageQueryDto } from '../common/pagination';
import type { RoleName } from './users.dto';

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  findById(id: string, tx?: Transaction): Promise<User | null> {
    return this.prisma.db(tx).user.findUnique({ where: { id } });
  }

  findNames(ids: string[]): Promise<{ id: string; name: string; email: string }[]> {
    return this.prisma.client.user.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, email: true },
    });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.client.user.findUnique({ where: { email } });
  }

  count(tx?: Transaction): Promise<number> {
    return this.prisma.db(tx).user.count();
  }

  /** Serializes creating the first admin across instances, until the transaction ends. */
  async lockForBootstrap(tx: Transaction): Promise<void> {
    await this.prisma.db(tx).$executeRaw`SELECT pg_advisory_xact_lock(7265190311)`;
  }

  list(query: PageQueryDto): Promise<(User & Keyset)[]> {
    return this.prisma.client.user.findMany(keysetArgs(query));
  }

  create(
    data: { email: string; name: string; role: RoleName; passwordHash?: string | null },
    tx: Transaction,
  ): Promise<User> {
    return this.prisma.db(tx).user.create({ data });
  }

  /** Stores a new password hash (not a versioned change: it neither needs nor moves `version`). */
  async setPasswordHash(id: string, passwordHash: string, tx: Transaction): Promise<void> {
    await this.prisma.db(tx).user.update({ where: { id }, data: { passwordHash } });
  }

  /**
   * Stores a new password hash only if the stored one is still `expected` (the one a current
   * password was checked against); false when another change came first.
   */
  async replacePasswordHash(
    id: string,
    expected: string | null,
    passwordHash: string,
    tx: Transaction,
  ): Promise<boolean> {
    const { count } = await this.prisma
      .db(tx)
      .user.updateMany({ where: { id, passwordHash: expected }, data: { passwordHash } });
    return count === 1;
  }

  /** Applies the change only at the expected version; null when the version was stale. */
  async updateAtVersion(
    id: string,
    version: number,
    data: Partial<Pick<User, 'role' | 'active' | 'name'>>,
    tx: Transaction,
  ): Promise<User | null> {
    const { count } = await this.prisma.db(tx).user.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1 ? this.prisma.db(tx).user.findUnique({ where: { id } }) : null;
  }

  /** Other active admins, locked so two demotions can't both leave the account without one. */
  async countOtherActiveAdminsForUpdate(exceptId: string, tx: Transaction): Promise<number> {
    const rows = await this.prisma.db(tx).$queryRaw<{ id: string }[]>`
      SELECT id FROM users WHERE role = 'admin' AND active AND id <> ${exceptId}::uuid FOR UPDATE`;
    return rows.length;
  }

  /** Revokes every live token of the user and stores the new one's hash. */
  async replaceTokens(
    userId: string,
    token: { tokenHash: string; prefix: string },
    now: Date,
    tx: Transaction,
  ): Promise<void> {
    await this.prisma.db(tx).apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
    await this.prisma.db(tx).apiToken.create({ data: { userId, ...token } });
  }
}
