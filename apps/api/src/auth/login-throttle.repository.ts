import { Injectable } from '@nestjs/common';
import { Prisma } from '@lcm/database';
import { PrismaService } from '../database/prisma.service';

/** Waits stop doubling here: past it, a key gets one attempt per 15 minutes. */
export const MAX_LOGIN_WAIT_SECONDS = 900;

/** Failed sign-ins per key (the login_throttles table), counted in PostgreSQL so every instance agrees. */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Counts one failure against the key (the count restarts after a quiet `windowStart`) and sets
   * when the next attempt may come: at once while the count is under `free`, then 1 s, 2 s, 4 s, …
   * up to MAX_LOGIN_WAIT_SECONDS. With `onlyWhenOpen`, counts nothing and returns false while the
   * key is blocked: the row lock makes concurrent attempts take turns, so no burst slips past.
   */
  async countFailure(
    key: string,
    at: { now: Date; windowStart: Date },
    free: number,
    onlyWhenOpen: boolean,
  ): Promise<boolean> {
    const wait = (failures: Prisma.Sql) =>
      Prisma.sql`make_interval(secs => CASE WHEN ${failures} >= ${free}::int
        THEN LEAST(${MAX_LOGIN_WAIT_SECONDS}, power(2, ${failures} - ${free}::int)) ELSE 0 END)`;
    const next = Prisma.sql`(CASE WHEN t.last_failure_at <= ${at.windowStart} THEN 1 ELSE t.failures + 1 END)`;
    const rows = await this.prisma.client.$queryRaw<{ failures: number }[]>`
      INSERT INTO login_throttles AS t (key, failures, last_failure_at, blocked_until)
      VALUES (${key}, 1, ${at.now}, ${at.now}::timestamptz + ${wait(Prisma.sql`1`)})
      ON CONFLICT (key) DO UPDATE
         SET failures = ${next}, last_failure_at = ${at.now}, blocked_until = ${at.now}::timestamptz + ${wait(next)}
       WHERE NOT ${onlyWhenOpen}::boolean OR t.blocked_until <= ${at.now}
      RETURNING failures`;
    return rows.length === 1;
  }

  /** When the key may try again, if it is blocked now. */
  async blockedUntil(key: string, now: Date): Promise<Date | null> {
    const row = await this.prisma.client.loginThrottle.findUnique({ where: { key }, select: { blockedUntil: true } });
    return row && row.blockedUntil > now ? row.blockedUntil : null;
  }

  async clear(key: string): Promise<void> {
    await this.prisma.client.loginThrottle.deleteMany({ where: { key } });
  }

  /** Keys quiet since `windowStart` and no longer blocked count nothing any more. */
  async deleteStale(at: { now: Date; windowStart: Date }): Promise<void> {
    await this.prisma.client.loginThrottle.deleteMany({
      where: { lastFailureAt: { lte: at.windowStart }, blockedUntil: { lte: at.now } },
    });
  }
}
