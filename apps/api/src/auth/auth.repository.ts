import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { AuthUser } from './auth.decorators';

@Injectable()
export class AuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The active user owning a live (not rotated away) token with this hash. */
  async findUserByTokenHash(tokenHash: string): Promise<AuthUser | null> {
    const token = await this.prisma.client.apiToken.findUnique({
      where: { tokenHash },
      select: { revokedAt: true, user: { select: { id: true, email: true, name: true, role: true, active: true } } },
    });
    if (!token || token.revokedAt || !token.user.active) return null;
    const { active: _active, ...user } = token.user;
    return user;
  }
}
