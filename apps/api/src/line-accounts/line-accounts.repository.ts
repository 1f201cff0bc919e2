import { Injectable } from '@nestjs/common';
import type { LineAccount, Prisma } from '@lcm/database';
import { Keyset, keysetArgs, PageQueryDto } from '../common/pagination';
import { PrismaService, Transaction } from '../database/prisma.service';
import { modelColumns } from '../database/sql-rows';

/**
 * SQL that is true while dispatch may send for the account aliased `alias` at the instant `at` (a
 * placeholder such as `$3::timestamptz`, the service's clock): quiet hours off, or `at` inside
 * [quietCheckedAt, quietWindowStart), the open interval the quiet-hours rule last computed. Past
 * its end the account stays closed until the scheduler computes the next window
 * (LineAccountsService.refreshQuietWindows). Dispatch's claim and the due-run queries read it.
 */
export function quietOpenSql(alias: string, at: string): string {
  return `(${alias}.quiet_hours_start IS NULL OR (${alias}.quiet_checked_at <= ${at} AND ${at} < ${alias}.quiet_window_start))`;
}

/** The quiet-hours columns of an account: its rule and the window last computed from it. */
export interface QuietColumns {
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  quietCheckedAt: Date | null;
  quietWindowStart: Date | null;
  quietWindowEnd: Date | null;
}

/** Every column, for the read on the pg pool (findById outside a transaction). */
const LINE_ACCOUNT = modelColumns<LineAccount>({
  id: 'id',
  name: 'name',
  channelId: 'channel_id',
  channelAccessToken: 'channel_access_token',
  channelSecret: 'channel_secret',
  region: 'region',
  plan: 'plan',
  currency: 'currency',
  timezone: 'timezone',
  monthlyBudget: { decimal: 'monthly_budget' },
  additionalMessageCap: 'additional_message_cap',
  otherPushHeadroom: 'other_push_headroom',
  frequencyCapMessages: 'frequency_cap_messages',
  frequencyCapDays: 'frequency_cap_days',
  apiBaseUrl: 'api_base_url',
  isSandbox: 'is_sandbox',
  quietHoursStart: 'quiet_hours_start',
  quietHoursEnd: 'quiet_hours_end',
  quietCheckedAt: 'quiet_checked_at',
  quietWindowStart: 'quiet_window_start',
  quietWindowEnd: 'quiet_window_end',
  alertsWebhookUrl: 'alerts_webhook_url',
  alertsSecret: 'alerts_secret',
  alertsThresholds: 'alerts_thresholds',
  version: 'version',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

@Injectable()
export class LineAccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /**
   * Outside a transaction a prepared statement on the pg pool: nearly every read asks for the
   * account (its currency, zone, plan), so Prisma's cost per query was paid on every request.
   */
  async findById(id: string, tx?: Transaction): Promise<LineAccount | null> {
    if (tx) return this.prisma.db(tx).lineAccount.findUnique({ where: { id } });
    const { rows } = await this.prisma.pool.query({
      name: 'line-accounts.by-id',
      text: `SELECT ${LINE_ACCOUNT.select('a')} FROM line_accounts a WHERE a.id = $1`,
      values: [id],
    });
    return rows[0] ? LINE_ACCOUNT.read(rows[0]) : null;
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

  /** Accounts with quiet hours whose stored window no longer tells `now` (now is outside [checkedAt, windowEnd)). */
  staleQuietWindows(now: Date): Promise<LineAccount[]> {
    return this.prisma.client.lineAccount.findMany({
      where: {
        quietHoursStart: { not: null },
        OR: [
          { quietCheckedAt: null },
          { quietWindowEnd: null },
          { quietCheckedAt: { gt: now } },
          { quietWindowEnd: { lte: now } },
        ],
      },
      take: 100,
    });
  }

  /**
   * Stores a window computed from the account's rule as read (same rule and zone, else someone
   * changed them meanwhile and their update stored its own window). Not a change of the account:
   * version and updatedAt stay.
   */
  async storeQuietWindow(account: LineAccount, window: QuietColumns): Promise<boolean> {
    const changed = await this.prisma.client.$executeRaw`
      UPDATE line_accounts SET quiet_checked_at = ${window.quietCheckedAt}, quiet_window_start = ${window.quietWindowStart},
             quiet_window_end = ${window.quietWindowEnd}
       WHERE id = ${account.id}::uuid AND quiet_hours_start = ${account.quietHoursStart}
         AND quiet_hours_end = ${account.quietHoursEnd} AND timezone = ${account.timezone}`;
    return changed === 1;
  }
}
