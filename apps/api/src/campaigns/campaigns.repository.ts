import { Injectable } from '@nestjs/common';
import { Prisma as PrismaNamespace } from '@lcm/database';
import type { Campaign, CampaignStatus, Prisma } from '@lcm/database';
import { decodeKeyset, Keyset, pageLimit } from '../common/pagination';
import { PrismaService, Transaction } from '../database/prisma.service';
import { modelColumns } from '../database/sql-rows';
import type { CampaignListQueryDto } from './campaigns.dto';

/**
 * What the service writes to a campaign: any column but the keys and what PostgreSQL keeps (version,
 * timestamps), with the messages as the API gives them and money as decimal strings.
 */
export type CampaignChanges = Partial<
  Omit<Campaign, 'id' | 'lineAccountId' | 'createdById' | 'version' | 'createdAt' | 'updatedAt' | MappedColumns>
> & {
  messages?: unknown[];
  costCap?: string | null;
  approvedCost?: string | null;
  /** null: not an A/B test (SQL NULL, not JSON null) */
  variants?: object[] | null;
  abTest?: object | null;
  /** What the last approval covered (campaign-changes.service.ts) */
  lastApproved?: object | null;
};

/** A new campaign: its account, audience, name, messages and author, and any other column. */
export type NewCampaign = CampaignChanges &
  Pick<Campaign, 'lineAccountId' | 'audienceId' | 'name' | 'createdById' | 'lastEditedById'> & {
    messages: unknown[];
    /** Chosen by the service when the content must name the campaign (its postback data). */
    id?: string;
  };

type MappedColumns = 'messages' | 'costCap' | 'approvedCost' | 'variants' | 'abTest' | 'lastApproved';

/** Every column, for the reads on the pg pool (the list and findById outside a transaction). */
const CAMPAIGN = modelColumns<Campaign>({
  id: 'id',
  lineAccountId: 'line_account_id',
  audienceId: 'audience_id',
  name: 'name',
  messages: 'messages',
  scheduleAt: 'schedule_at',
  scheduleCron: 'schedule_cron',
  scheduleTimezone: 'schedule_timezone',
  scheduleUntil: 'schedule_until',
  maxRecipients: 'max_recipients',
  costCap: { decimal: 'cost_cap' },
  overBudgetPolicy: 'over_budget_policy',
  frequencyCap: 'frequency_cap',
  frequencyCapMessages: 'frequency_cap_messages',
  frequencyCapDays: 'frequency_cap_days',
  deferPriorityAttribute: 'defer_priority_attribute',
  deferPriorityOrder: 'defer_priority_order',
  status: 'status',
  version: 'version',
  createdById: 'created_by_id',
  lastEditedById: 'last_edited_by_id',
  submittedById: 'submitted_by_id',
  submittedAt: 'submitted_at',
  submissionForecastId: 'submission_forecast_id',
  approvedById: 'approved_by_id',
  approvedAt: 'approved_at',
  approvalComment: 'approval_comment',
  approvedVersion: 'approved_version',
  approvedForecastId: 'approved_forecast_id',
  approvedRecipients: 'approved_recipients',
  approvedMessages: 'approved_messages',
  approvedCost: { decimal: 'approved_cost' },
  rejectedById: 'rejected_by_id',
  rejectedAt: 'rejected_at',
  rejectionReason: 'rejection_reason',
  variants: 'variants',
  abTest: 'ab_test',
  lastApproved: 'last_approved',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

@Injectable()
export class CampaignsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /** Outside a transaction a prepared statement on the pg pool: every campaign route reads one. */
  async findById(id: string, tx?: Transaction): Promise<Campaign | null> {
    if (tx) return this.prisma.db(tx).campaign.findUnique({ where: { id } });
    const { rows } = await this.prisma.pool.query({
      name: 'campaigns.by-id',
      text: `SELECT ${CAMPAIGN.select('c')} FROM campaigns c WHERE c.id = $1`,
      values: [id],
    });
    return rows[0] ? CAMPAIGN.read(rows[0]) : null;
  }

  /** Which of `ids` are campaigns of the account. */
  async findIdsOnAccount(ids: readonly string[], lineAccountId: string, tx?: Transaction): Promise<string[]> {
    const found = await this.prisma
      .db(tx)
      .campaign.findMany({ where: { id: { in: [...ids] }, lineAccountId }, select: { id: true } });
    return found.map((campaign) => campaign.id);
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

  /**
   * A page by (createdAt, id), oldest first, as a prepared statement on the pg pool: one statement
   * text per combination of filters, so each keeps a plan that uses its index.
   */
  async list(query: CampaignListQueryDto): Promise<(Campaign & Keyset)[]> {
    const after = decodeKeyset(query);
    const values: unknown[] = [pageLimit(query) + 1];
    const where: string[] = [];
    const variant: string[] = [];
    if (query.lineAccountId) {
      values.push(query.lineAccountId);
      where.push(`c.line_account_id = $${values.length}`);
      variant.push('account');
    }
    if (query.status) {
      values.push(query.status);
      where.push(`c.status = $${values.length}::"CampaignStatus"`);
      variant.push('status');
    }
    if (after) {
      values.push(after.createdAt, after.id);
      where.push(`(c.created_at, c.id) > ($${values.length - 1}, $${values.length}::uuid)`);
      variant.push('after');
    }
    const { rows } = await this.prisma.pool.query({
      name: ['campaigns.list', ...variant].join('.'),
      text: `SELECT ${CAMPAIGN.select('c')} FROM campaigns c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
              ORDER BY c.created_at, c.id LIMIT $1`,
      values,
    });
    return rows.map((row) => CAMPAIGN.read(row));
  }

  create(campaign: NewCampaign, tx: Transaction): Promise<Campaign> {
    return this.prisma.db(tx).campaign.create({
      data: {
        ...withoutJson(campaign),
        ...jsonColumns(campaign),
        messages: campaign.messages as Prisma.InputJsonValue,
      },
    });
  }

  /**
   * Applies the change only while the campaign is in one of `statuses` (and at `version`, when
   * given), and bumps the version. PostgreSQL decides between concurrent callers: the second one
   * waits for the first's row lock, re-reads the row, no longer matches, and gets null.
   */
  async updateWhere(
    id: string,
    expected: { statuses: readonly CampaignStatus[]; version?: number },
    changes: CampaignChanges,
    tx: Transaction,
  ): Promise<Campaign | null> {
    const { count } = await this.prisma.db(tx).campaign.updateMany({
      where: {
        id,
        status: { in: [...expected.statuses] },
        ...(expected.version === undefined ? {} : { version: expected.version }),
      },
      data: { ...columnsOf(changes), version: { increment: 1 } },
    });
    return count === 1 ? this.prisma.db(tx).campaign.findUnique({ where: { id } }) : null;
  }

  countUsingAudience(audienceId: string, statuses: readonly CampaignStatus[], tx?: Transaction): Promise<number> {
    return this.prisma.db(tx).campaign.count({ where: { audienceId, status: { in: [...statuses] } } });
  }
}

function columnsOf({ messages, ...columns }: CampaignChanges): Prisma.CampaignUncheckedUpdateManyInput {
  const mapped = { ...withoutJson(columns), ...jsonColumns(columns) };
  return messages === undefined ? mapped : { ...mapped, messages: messages as Prisma.InputJsonValue };
}

function withoutJson<T extends CampaignChanges>(changes: T): Omit<T, 'variants' | 'abTest' | 'lastApproved'> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { variants, abTest, lastApproved, ...rest } = changes;
  return rest;
}

/** The nullable JSON columns: null is SQL NULL (Prisma.DbNull), not a JSON null. */
function jsonColumns(changes: Pick<CampaignChanges, 'variants' | 'abTest' | 'lastApproved'>): {
  variants?: Prisma.InputJsonValue | typeof PrismaNamespace.DbNull;
  abTest?: Prisma.InputJsonValue | typeof PrismaNamespace.DbNull;
  lastApproved?: Prisma.InputJsonValue | typeof PrismaNamespace.DbNull;
} {
  const json = (value: object | null | undefined) =>
    value === undefined ? undefined : value === null ? PrismaNamespace.DbNull : (value as Prisma.InputJsonValue);
  return {
    ...(changes.variants !== undefined ? { variants: json(changes.variants) } : {}),
    ...(changes.abTest !== undefined ? { abTest: json(changes.abTest) } : {}),
    ...(changes.lastApproved !== undefined ? { lastApproved: json(changes.lastApproved) } : {}),
  };
}
