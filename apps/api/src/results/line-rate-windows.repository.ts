import { Injectable } from '@nestjs/common';
import { PrismaService, Transaction } from '../database/prisma.service';

/** `at`: the instant the calls were logged at, to give them back with if they are not made after all. */
export type RateTake = { ok: true; at: Date } | { ok: false; retryAfterMs: number };

/** Owns `line_rate_windows`: the recent calls to a rate-limited LINE endpoint, per channel. */
@Injectable()
export class LineRateWindowsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /**
   * Takes `count` calls of the window at `now` when fewer than `limit - count + 1` fall in the last
   * `windowMs`, all or none, with the row locked (so instances take turns). Otherwise says when
   * enough calls leave the window.
   */
  async take(
    tx: Transaction,
    key: { lineAccountId: string; endpoint: string },
    count: number,
    rule: { limit: number; windowMs: number },
    now: Date,
  ): Promise<RateTake> {
    const db = this.prisma.db(tx);
    await db.$executeRaw`
      INSERT INTO line_rate_windows (line_account_id, endpoint) VALUES (${key.lineAccountId}::uuid, ${key.endpoint})
      ON CONFLICT DO NOTHING`;
    const [row] = await db.$queryRaw<{ calls: Date[] }[]>`
      SELECT calls FROM line_rate_windows WHERE line_account_id = ${key.lineAccountId}::uuid AND endpoint = ${key.endpoint}
         FOR UPDATE`;
    const windowStart = now.getTime() - rule.windowMs;
    const recent = (row?.calls ?? [])
      .map((at) => at.getTime())
      .filter((at) => at > windowStart)
      .sort((a, b) => a - b);
    if (count > rule.limit) return { ok: false, retryAfterMs: rule.windowMs };
    if (recent.length + count > rule.limit) {
      // The call that must leave the window before `count` more fit.
      const leaving = recent[recent.length + count - rule.limit - 1];
      return { ok: false, retryAfterMs: Math.max(1, leaving + rule.windowMs - now.getTime()) };
    }
    const calls = [...recent, ...Array.from({ length: count }, () => now.getTime())].map((at) => new Date(at));
    await db.lineRateWindow.update({
      where: { lineAccountId_endpoint: { lineAccountId: key.lineAccountId, endpoint: key.endpoint } },
      data: { calls },
    });
    return { ok: true, at: now };
  }

  /**
   * Removes up to `count` of the calls logged at `at` (those a take logged, for requests that were
   * not made or got nothing from LINE), in one statement under the row's lock: calls others took
   * meanwhile stay, and equal instants are interchangeable. Calls already out of the window are gone anyway.
   */
  async giveBack(
    tx: Transaction | undefined,
    key: { lineAccountId: string; endpoint: string },
    count: number,
    at: Date,
  ): Promise<void> {
    if (count <= 0) return;
    await this.prisma.db(tx).$executeRaw`
      UPDATE line_rate_windows
         SET calls = ARRAY(
               SELECT call
                 FROM (SELECT call, position,
                              row_number() OVER (PARTITION BY call = ${at}::timestamptz ORDER BY position) AS nth
                         FROM unnest(calls) WITH ORDINALITY AS logged(call, position)) numbered
                WHERE call <> ${at}::timestamptz OR nth > ${count}
                ORDER BY position)
       WHERE line_account_id = ${key.lineAccountId}::uuid AND endpoint = ${key.endpoint}`;
  }
}
