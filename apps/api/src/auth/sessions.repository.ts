import { Injectable } from '@nestjs/common';
import type { Role } from '@lcm/database';
import { PrismaService, Transaction } from '../database/prisma.service';
import type { AuthUser } from './auth.decorators';

export interface LiveSession {
  id: string;
  csrfToken: string;
  user: AuthUser;
}

/** Browser sessions (the sessions table). */
@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    data: { userId: string; tokenHash: string; csrfToken: string; now: Date },
    tx?: Transaction,
  ): Promise<void> {
    const { now, ...rest } = data;
    await this.prisma.db(tx).session.create({ data: { ...rest, createdAt: now, lastSeenAt: now } });
  }

  /**
   * A session for the user only if they are still active with the password hash a sign-in verified,
   * decided in one statement: the user's row is read FOR SHARE, so a password change or a
   * deactivation in flight is waited for and then seen (its transaction also ends the user's
   * sessions, so a session inserted before it commits is ended with the rest). False: no session.
   */
  async createForCredential(data: {
    userId: string;
    passwordHash: string;
    tokenHash: string;
    csrfToken: string;
    now: Date;
  }): Promise<boolean> {
    const { userId, passwordHash, tokenHash, csrfToken, now } = data;
    const inserted = await this.prisma.client.$executeRaw`
      INSERT INTO sessions (id, user_id, token_hash, csrf_token, created_at, last_seen_at)
      SELECT gen_random_uuid(), u.id, ${tokenHash}, ${csrfToken}, ${now}, ${now}
        FROM (SELECT id FROM users
               WHERE id = ${userId}::uuid AND active AND password_hash = ${passwordHash}
                 FOR SHARE) u`;
    return inserted === 1;
  }

  /**
   * The session with this token hash if it is live (seen since `idleSince`, started since
   * `startedSince`, its user active), marking it seen now when it was last marked before
   * `touchBefore`, in one statement.
   */
  async findLiveAndTouch(
    tokenHash: string,
    at: { now: Date; idleSince: Date; startedSince: Date; touchBefore: Date },
  ): Promise<LiveSession | null> {
    // Every request of a signed-in browser asks: a prepared statement on the pg pool, like the
    // Bearer token's (AuthRepository), not a Prisma query.
    const { rows } = await this.prisma.pool.query<{
      id: string;
      csrf_token: string;
      user_id: string;
      email: string;
      name: string;
      role: Role;
    }>({
      name: 'sessions.live-and-touch',
      text: `WITH live AS (
               SELECT s.id, s.csrf_token, s.last_seen_at, u.id AS user_id, u.email, u.name, u.role::text AS role
                 FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = $1 AND u.active
                  AND s.last_seen_at > $2 AND s.created_at > $3
             ), touched AS (
               UPDATE sessions SET last_seen_at = $4
                 FROM live WHERE sessions.id = live.id AND live.last_seen_at < $5
             )
             SELECT id, csrf_token, user_id, email, name, role FROM live`,
      values: [tokenHash, at.idleSince, at.startedSince, at.now, at.touchBefore],
    });
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      csrfToken: row.csrf_token,
      user: { id: row.user_id, email: row.email, name: row.name, role: row.role },
    };
  }

  async delete(id: string): Promise<void> {
    await this.prisma.client.session.deleteMany({ where: { id } });
  }

  /** Ends every session of the user but `exceptId` (the caller's own, when it is one). */
  async deleteForUser(userId: string, tx: Transaction, exceptId?: string): Promise<void> {
    await this.prisma.db(tx).session.deleteMany({ where: { userId, ...(exceptId ? { id: { not: exceptId } } : {}) } });
  }

  /** Drops sessions that can no longer be used, so the table holds live ones only (give or take). */
  async deleteExpired(idleSince: Date, startedSince: Date): Promise<void> {
    await this.prisma.client.session.deleteMany({
      where: { OR: [{ lastSeenAt: { lte: idleSince } }, { createdAt: { lte: startedSince } }] },
    });
  }
}
