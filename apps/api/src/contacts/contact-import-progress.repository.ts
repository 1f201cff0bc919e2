import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export const CONTACT_IMPORT_STATES = ['reading', 'writing', 'completed', 'failed'] as const;
export type ContactImportState = (typeof CONTACT_IMPORT_STATES)[number];

/**
 * A running import that has not written its progress for this long has stopped without saying so
 * (its instance died, or lost its database): it reads as failed. A running import writes it every
 * second (ContactsService), however long a statement of its own takes.
 */
const STALE_SECONDS = 60;
/** An import's progress and outcome are kept this long after its last report, then pruned. */
const PROGRESS_KEPT_DAYS = 30;

export interface ContactImportProgressRow {
  id: string;
  state: ContactImportState;
  rowsRead: number;
  rowsToWrite: number | null;
  rowsWritten: number;
  created: number | null;
  updated: number | null;
  rejectedCount: number | null;
  error: string | null;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface ContactImportOutcome {
  state: 'completed' | 'failed';
  rowsRead: number;
  rowsToWrite: number | null;
  rowsWritten: number;
  created: number | null;
  updated: number | null;
  rejectedCount: number | null;
  error: string | null;
}

/**
 * The progress of CSV imports (table contact_imports). Every statement is a single one on the pg
 * pool, never inside the import's transaction: the import's own rows are invisible to others until
 * it commits, its progress must not be.
 */
@Injectable()
export class ContactImportProgressRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records a new import in state reading; false when the id is already taken. The account's
   * imports last heard of PROGRESS_KEPT_DAYS ago go in the same statement: the table holds about a
   * month of each account's uploads, and nothing has to run on a timer for it.
   */
  async start(id: string, lineAccountId: string): Promise<boolean> {
    const { rows } = await this.prisma.pool.query<{ started: boolean }>(
      `WITH pruned AS (
         DELETE FROM contact_imports
          WHERE line_account_id = $2 AND id <> $1
            -- Implied by the next line (a row is reported after it starts), and what the index on
            -- (line_account_id, started_at) can find.
            AND started_at < now() - make_interval(days => ${PROGRESS_KEPT_DAYS})
            AND updated_at < now() - make_interval(days => ${PROGRESS_KEPT_DAYS})),
       started AS (
         INSERT INTO contact_imports (id, line_account_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM started) AS started`,
      [id, lineAccountId],
    );
    return rows[0].started;
  }

  /** A running import's progress; an import that already ended keeps its outcome. */
  async report(
    id: string,
    progress: { state: 'reading' | 'writing'; rowsRead: number; rowsToWrite: number | null; rowsWritten: number },
  ): Promise<void> {
    await this.prisma.pool.query(
      `UPDATE contact_imports SET state = $2, rows_read = $3, rows_to_write = $4, rows_written = $5, updated_at = now()
        WHERE id = $1 AND state IN ('reading', 'writing')`,
      [id, progress.state, progress.rowsRead, progress.rowsToWrite, progress.rowsWritten],
    );
  }

  async finish(id: string, outcome: ContactImportOutcome): Promise<void> {
    await this.prisma.pool.query(
      `UPDATE contact_imports SET state = $2, rows_read = $3, rows_to_write = $4, rows_written = $5, created = $6,
              updated = $7, rejected_count = $8, error = $9, updated_at = now(), finished_at = now()
        WHERE id = $1`,
      [
        id,
        outcome.state,
        outcome.rowsRead,
        outcome.rowsToWrite,
        outcome.rowsWritten,
        outcome.created,
        outcome.updated,
        outcome.rejectedCount,
        outcome.error,
      ],
    );
  }

  async find(lineAccountId: string, id: string): Promise<ContactImportProgressRow | null> {
    const { rows } = await this.prisma.pool.query<ContactImportProgressRow & { stale: boolean }>(
      `SELECT id, state, rows_read AS "rowsRead", rows_to_write AS "rowsToWrite", rows_written AS "rowsWritten",
              created, updated, rejected_count AS "rejectedCount", error, started_at AS "startedAt",
              updated_at AS "updatedAt", finished_at AS "finishedAt",
              state IN ('reading', 'writing') AND updated_at < now() - make_interval(secs => ${STALE_SECONDS}) AS stale
         FROM contact_imports WHERE id = $1 AND line_account_id = $2`,
      [id, lineAccountId],
    );
    if (!rows.length) return null;
    const { stale, ...row } = rows[0];
    return stale
      ? {
          ...row,
          state: 'failed',
          error: `the import stopped reporting for ${STALE_SECONDS} s: the instance running it ended or lost its database`,
        }
      : row;
  }
}
