import { Injectable } from '@nestjs/common';
import { PrismaService, Transaction } from '../database/prisma.service';

export type InviteUse = { userId: string } | { refused: 'unknown' | 'used' | 'expired' };

/** One-time links to set a password (the user_invites table). */
@Injectable()
export class InvitesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores the new invite and retires the user's earlier unused ones: only the newest link works. */
  async replace(
    data: { userId: string; tokenHash: string; createdById: string; createdAt: Date; expiresAt: Date },
    tx: Transaction,
  ): Promise<void> {
    await this.prisma.db(tx).userInvite.deleteMany({ where: { userId: data.userId, usedAt: null } });
    await this.prisma.db(tx).userInvite.create({ data });
  }

  /**
   * Marks the invite used if it is unused and unexpired, in one conditional update, so two
   * acceptances of one link can't both succeed; otherwise says why not.
   */
  async use(tokenHash: string, now: Date, tx: Transaction): Promise<InviteUse> {
    const { count } = await this.prisma.db(tx).userInvite.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    const invite = await this.prisma
      .db(tx)
      .userInvite.findUnique({ where: { tokenHash }, select: { userId: true, usedAt: true } });
    if (!invite) return { refused: 'unknown' };
    if (count === 1) return { userId: invite.userId };
    return { refused: invite.usedAt ? 'used' : 'expired' };
  }
}
