import { Injectable, Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { PrismaService } from '../database/prisma.service';
import { TIMEOUT_POLICY } from '../database/transaction';
import type { ContactWrite } from './contact-input';
import type { UpsertCounts } from './contacts.repository';

/**
 * The optional fields of a write, in the order of their bit in the staging row's `given` mask.
 * `defaulted`: a new contact gets a default when the field is not given (so "not given" and "given"
 * can't share one INSERT's EXCLUDED value); the others default to null.
 */
const FIELDS = [
  { field: 'displayName', column: 'display_name', defaulted: false },
  { field: 'tags', column: 'tags', defaulted: true },
  { field: 'attributes', column: 'attributes', defaulted: false },
  { field: 'status', column: 'status', defaulted: true },
  { field: 'followedAt', column: 'followed_at', defaulted: false },
  { field: 'lastInteractionAt', column: 'last_interaction_at', defaulted: false },
] as const;

/**
 * Characters of COPY text collected before they are written to the connection: small enough that
 * they are written before V8's young generation promotes them (64 KB measured 3% slower).
 */
const CHUNK_CHARS = 16 * 1024;
/** Superseded rows listed by `finish` (the caller lists at most 1,000 rejections in all). */
const LISTED_SUPERSEDED = 1_000;
/** Distinct rows written per statement (about): the import's progress moves chunk by chunk. */
const CHUNK_ROWS = 10_000;
const UNIQUE_VIOLATION = '23505';

export interface StagedImportResult extends UpsertCounts {
  /** Rows staged for a lineUserId that a later row (by line) also has: not written. */
  supersededCount: number;
  /** The first of them by line, with the line of the row that replaced each. */
  superseded: { line: number; by: number }[];
}

/** Where an import is: staging the rows it is given, or writing them into contacts. */
export interface ImportProgress {
  phase: 'reading' | 'writing';
  /** Distinct users to write: known once the staged rows are sorted (null before). */
  rowsToWrite: number | null;
  rowsWritten: number;
}

/**
 * One import in progress: its own connection and transaction, a temporary table the rows are
 * COPYed into as they are checked, and at the end one set-based upsert from it into contacts.
 */
export interface ContactImportSession {
  /** How far it is (the writing phase moves chunk by chunk). */
  progress(): ImportProgress;
  /** Stages one checked row; `line` orders rows for the same user (the last one wins). */
  add(line: number, row: ContactWrite): void;
  /** Resolves when the connection takes more rows (backpressure: await it between chunks of input). */
  ready(): Promise<void>;
  /** Writes the staged rows into contacts and commits; the connection goes back to the pool. */
  finish(): Promise<StagedImportResult>;
  /** Rolls back (nothing is written) and gives the connection back. */
  abort(): Promise<void>;
}

/**
 * Contact imports at COPY speed. The rows of an import (a CSV file, a bulk PUT) are streamed with
 * COPY into a temporary table of the import's own session (no WAL, no indexes, dropped at commit).
 * PostgreSQL then sorts them by lineUserId once, keeping the last row per user (DISTINCT ON), and
 * writes them in chunks of about CHUNK_ROWS users in that order: a plain INSERT where the account has
 * no contact in the chunk's range, else INSERT … ON CONFLICT DO UPDATE (one per shape of row, usually
 * one). Contacts are locked in lineUserId order, so concurrent imports can't deadlock. The import is
 * one transaction: a file that fails half way (broken gzip, a lost connection) writes nothing.
 */
@Injectable()
export class ContactImportRepository {
  private readonly logger = new Logger(ContactImportRepository.name);

  constructor(private readonly prisma: PrismaService) {}

  /** `onProgress`: called when the writing phase starts and after each chunk it writes. */
  async open(lineAccountId: string, onProgress?: () => void): Promise<ContactImportSession> {
    const client = await this.prisma.connect();
    try {
      await client.query('BEGIN');
      // Another import of the same users holds their rows until it commits (seconds for a large
      // file): this one waits its turn as long as a statement may run, instead of failing at once.
      // Its COPY runs as long as the upload: the import's statements have a budget of their own.
      // work_mem: the upsert sorts every staged row (by lineUserId); 64 MB keeps more of it off disk.
      await client.query(
        `SET LOCAL lock_timeout = ${TIMEOUT_POLICY.statementMs}; SET LOCAL statement_timeout = ${TIMEOUT_POLICY.importStatementMs}; SET LOCAL work_mem = '64MB'`,
      );
      await client.query(
        `CREATE TEMPORARY TABLE contact_import (
           line int NOT NULL, line_user_id text NOT NULL, given smallint NOT NULL,
           display_name text, tags text[], attributes jsonb, removed text[], status text,
           followed_at timestamptz, last_interaction_at timestamptz
         ) ON COMMIT DROP`,
      );
      const copy = client.query(
        copyFrom(
          `COPY contact_import (line, line_user_id, given, display_name, tags, attributes, removed, status, followed_at, last_interaction_at) FROM STDIN`,
        ),
      );
      return new Session(client, copy, lineAccountId, this.logger, onProgress ?? (() => undefined));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(error as Error);
      throw error;
    }
  }

  /** Rows already distinct by lineUserId, in one import of their own. */
  async upsert(lineAccountId: string, rows: ContactWrite[]): Promise<UpsertCounts> {
    if (!rows.length) return { created: 0, updated: 0 };
    const session = await this.open(lineAccountId);
    try {
      rows.forEach((row, index) => session.add(index, row));
    } catch (error) {
      await session.abort();
      throw error;
    }
    const { created, updated } = await session.finish();
    return { created, updated };
  }
}

class Session implements ContactImportSession {
  private text = '';
  private staged = 0;
  /** Per field (by its index in FIELDS): rows that give it, rows that give it as null. */
  private readonly givenCount = FIELDS.map(() => 0);
  private readonly nullCount = FIELDS.map(() => 0);
  /** The distinct `given` masks staged. */
  private readonly shapes = new Set<number>();
  private anyRemoved = false;
  private failure: Error | null = null;
  /** Distinct rows the upsert writes (known once staging ends), and those written so far. */
  private toWrite: number | null = null;
  private written = 0;
  private writing = false;
  /** For the timing line: when the last rows were sorted, and how many chunks took which way. */
  private sortedAt = 0;
  private readonly chunks = { inserted: 0, upserted: 0 };
  private done = false;
  private readonly copyFinished: Promise<void>;
  private readonly openedAt = performance.now();

  constructor(
    private readonly client: PoolClient,
    private readonly copy: Writable,
    private readonly lineAccountId: string,
    private readonly logger: Logger,
    private readonly onProgress: () => void,
  ) {
    this.copyFinished = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', (error: Error) => {
        this.failure ??= error;
        reject(error);
      });
    });
    this.copyFinished.catch(() => undefined); // surfaced by ready() or finish()
  }

  add(line: number, row: ContactWrite): void {
    // A plain loop: this runs for every row of a file of millions.
    let given = 0;
    for (let bit = 0; bit < FIELDS.length; bit++) {
      const value = row[FIELDS[bit].field];
      if (value === undefined) continue;
      given |= 1 << bit;
      this.givenCount[bit]++;
      if (value === null) this.nullCount[bit]++;
    }
    this.shapes.add(given);
    if (row.removedAttributes?.length) this.anyRemoved = true;
    this.text +=
      `${line}\t${row.lineUserId}\t${given}\t${copyText(row.displayName)}\t${row.tags ? copyText(arrayLiteral(row.tags)) : NULL}\t` +
      `${row.attributes ? copyText(JSON.stringify(row.attributes)) : NULL}\t` +
      `${row.removedAttributes?.length ? copyText(arrayLiteral(row.removedAttributes)) : NULL}\t` +
      `${row.status ?? NULL}\t${row.followedAt ?? NULL}\t${row.lastInteractionAt ?? NULL}\n`;
    this.staged++;
    if (this.text.length >= CHUNK_CHARS) this.write();
  }

  progress(): ImportProgress {
    return { phase: this.writing ? 'writing' : 'reading', rowsToWrite: this.toWrite, rowsWritten: this.written };
  }

  async ready(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.copy.writableNeedDrain) await Promise.race([once(this.copy, 'drain'), this.copyFinished]);
  }

  async finish(): Promise<StagedImportResult> {
    try {
      this.write();
      this.copy.end();
      await this.copyFinished;
      const staged = performance.now();
      this.writing = true;
      this.onProgress();
      const result = await this.upsert();
      const upserted = performance.now();
      await this.client.query('COMMIT');
      this.release();
      // Where an import's time goes (the benchmark reads it): reading and staging, upsert, commit.
      this.logger.log(
        {
          rows: this.staged,
          stageMs: Math.round(staged - this.openedAt),
          upsertMs: Math.round(upserted - staged),
          commitMs: Math.round(performance.now() - upserted),
          // Of the upsert: sorting the last row per user into a table; chunks by the way they took.
          sortMs: Math.round(this.sortedAt - staged),
          chunks: this.chunks,
        },
        'contact import written',
      );
      return result;
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    let broken: Error | undefined;
    if (!this.copy.writableFinished) {
      // Ending a COPY with an error (CopyFail) is how the protocol abandons it.
      this.copy.destroy(new Error('import aborted'));
      await this.copyFinished.catch(() => undefined);
    }
    await this.client.query('ROLLBACK').catch((error: Error) => (broken = error));
    this.client.release(broken);
  }

  private release(): void {
    this.done = true;
    this.client.release();
  }

  private write(): void {
    if (!this.text) return;
    this.copy.write(this.text);
    this.text = '';
  }

  private async upsert(): Promise<StagedImportResult> {
    if (!this.staged) return { created: 0, updated: 0, supersededCount: 0, superseded: [] };
    // The last row per user, sorted once by lineUserId into a table of its own, which is then
    // written a chunk of its blocks at a time: CREATE TABLE AS fills its blocks in the order the
    // rows come, and a scan of a range of blocks returns them in block order (a temporary table
    // is never scanned in parallel or from the middle, as a synchronized scan would), so each chunk
    // is a range of users in lineUserId order without a sort of its own (one measured 3 to 6% of the
    // insert), and chunk after chunk takes row locks in lineUserId order, as one statement over
    // them all would: concurrent imports can't deadlock.
    const { rowCount } = await this.client.query(
      `CREATE TEMPORARY TABLE contact_import_last ON COMMIT DROP AS
         SELECT DISTINCT ON (line_user_id) line_user_id, given, display_name, tags, attributes, removed, status, followed_at, last_interaction_at
           FROM contact_import ORDER BY line_user_id, line DESC`,
    );
    const distinct = rowCount ?? 0;
    this.sortedAt = performance.now();
    this.toWrite = distinct;
    this.onProgress();
    // Statistics for the joins with contacts below (a temporary table has none until analysed).
    await this.client.query('ANALYZE contact_import_last');
    const { rows: size } = await this.client.query<{ pages: number }>(
      `SELECT greatest(1, pg_relation_size('contact_import_last') / current_setting('block_size')::int)::int AS pages`,
    );
    const pages = size[0].pages;
    const pagesPerChunk = Math.max(1, Math.round((CHUNK_ROWS * pages) / Math.max(1, distinct)));
    const total = { created: 0, updated: 0 };
    for (let first = 0; first < pages; first += pagesPerChunk) {
      const chunk = `s.ctid >= '(${first},0)'::tid AND s.ctid < '(${first + pagesPerChunk},0)'::tid`;
      const counts = await this.writeChunk(chunk);
      total.created += counts.created;
      total.updated += counts.updated;
      this.written += counts.created + counts.updated;
      this.onProgress();
    }
    // Attributes given as null: removed after the merge, on rows this transaction has locked.
    if (this.anyRemoved)
      await this.client.query(
        `UPDATE contacts c SET attributes = c.attributes - s.removed, updated_at = now()
           FROM contact_import_last s
          WHERE s.removed IS NOT NULL AND c.line_account_id = $1::uuid AND c.line_user_id = s.line_user_id`,
        [this.lineAccountId],
      );
    const supersededCount = this.staged - distinct;
    if (!supersededCount) return { ...total, supersededCount, superseded: [] };
    // Each superseded row is reported with the next row for its user, as a reader of the file would.
    const { rows: superseded } = await this.client.query<{ line: number; by: number }>(
      `SELECT line, by FROM (
         SELECT line, lead(line) OVER (PARTITION BY line_user_id ORDER BY line) AS by FROM contact_import) r
        WHERE by IS NOT NULL ORDER BY line LIMIT ${LISTED_SUPERSEDED}`,
    );
    return { ...total, supersededCount, superseded };
  }

  /**
   * One chunk of the last rows (`chunk`: their blocks). Where the account has no contact in the
   * chunk's range of lineUserIds (a first import, new users), a plain INSERT: no speculative
   * insertion, no conflict arbiter, no RETURNING (ON CONFLICT measured 1.7x a COPY of the same
   * rows). Otherwise, or when a contact of the range was written meanwhile (a webhook, another
   * import: the INSERT meets a unique violation), the chunk is upserted with ON CONFLICT DO UPDATE.
   */
  private async writeChunk(chunk: string): Promise<UpsertCounts> {
    const { rows: bounds } = await this.client.query<{ lo: string | null; hi: string | null }>(
      `SELECT min(line_user_id) AS lo, max(line_user_id) AS hi FROM contact_import_last s WHERE ${chunk}`,
    );
    const { lo, hi } = bounds[0];
    if (lo === null || hi === null) return { created: 0, updated: 0 };
    const { rows: known } = await this.client.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM contacts WHERE line_account_id = $1::uuid AND line_user_id BETWEEN $2 AND $3) AS any`,
      [this.lineAccountId, lo, hi],
    );
    if (!known[0].any) {
      await this.client.query('SAVEPOINT contact_import_chunk');
      try {
        const created = await this.insertChunk(chunk);
        await this.client.query('RELEASE SAVEPOINT contact_import_chunk');
        this.chunks.inserted++;
        return { created, updated: 0 };
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        await this.client.query('ROLLBACK TO SAVEPOINT contact_import_chunk');
      }
    }
    this.chunks.upserted++;
    return this.upsertChunk(chunk);
  }

  /**
   * New contacts, inserted straight from the sorted staging table: no round trip through this
   * process. (A COPY out of staging and back in, for COPY's batched heap inserts, measured slower
   * in all: the batching saved 3 to 7% of the insert, the trip out took 4.4 s of a million rows.)
   */
  private async insertChunk(chunk: string): Promise<number> {
    const { rowCount } = await this.client.query(
      `INSERT INTO contacts (id, line_account_id, line_user_id, display_name, tags, attributes, status, followed_at, last_interaction_at, created_at, updated_at)
       SELECT gen_random_uuid(), $1::uuid, s.line_user_id, s.display_name, coalesce(s.tags, '{}'), coalesce(s.attributes, '{}'),
              coalesce(s.status::"ContactStatus", 'following'), s.followed_at, s.last_interaction_at, now(), now()
         FROM contact_import_last s WHERE ${chunk}`,
      [this.lineAccountId],
    );
    return rowCount ?? 0;
  }

  private async upsertChunk(chunk: string): Promise<UpsertCounts> {
    // Per field, how its SET reads: not given by any row (kept), given by every row, or given by
    // some rows and never as null (`coalesce` keeps the stored value where a row left it out).
    // Only a field that fits none of these splits the rows into groups, one statement each.
    const sets: string[] = [];
    let split = 0;
    FIELDS.forEach(({ field, column, defaulted }, bit) => {
      const given = this.givenCount[bit];
      if (!given) return;
      if (field === 'attributes') sets.push('attributes = c.attributes || EXCLUDED.attributes');
      else if (given === this.staged) sets.push(`${column} = EXCLUDED.${column}`);
      else if (!defaulted && !this.nullCount[bit]) sets.push(`${column} = coalesce(EXCLUDED.${column}, c.${column})`);
      else split |= 1 << bit;
    });
    const groups = [...new Set([...this.shapes].map((shape) => shape & split))];
    const total = { created: 0, updated: 0 };
    for (const group of groups) {
      const groupSets = FIELDS.flatMap(({ column }, bit) =>
        group & (1 << bit) ? [`${column} = EXCLUDED.${column}`] : [],
      );
      const { rows } = await this.client.query<UpsertCounts>(
        `WITH up AS (
           INSERT INTO contacts AS c (id, line_account_id, line_user_id, display_name, tags, attributes, status, followed_at, last_interaction_at, created_at, updated_at)
           SELECT gen_random_uuid(), $1::uuid, s.line_user_id, s.display_name, coalesce(s.tags, '{}'), coalesce(s.attributes, '{}'),
                  coalesce(s.status::"ContactStatus", 'following'), s.followed_at, s.last_interaction_at, now(), now()
             FROM contact_import_last s
            WHERE ${chunk} ${split ? `AND (s.given & $2::smallint) = $3::smallint` : ''}
           ON CONFLICT (line_account_id, line_user_id) DO UPDATE SET ${[...sets, ...groupSets, 'updated_at = now()'].join(', ')}
           RETURNING (xmax = 0) AS inserted)
         SELECT count(*) FILTER (WHERE inserted)::int AS created, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
        split ? [this.lineAccountId, split, group] : [this.lineAccountId],
      );
      total.created += rows[0].created;
      total.updated += rows[0].updated;
    }
    return total;
  }
}

const NULL = '\\N';
const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A value in COPY's text format. NUL can't be sent at all: the checks before (isStorableText)
 * refuse such rows, so none arrives here.
 */
function copyText(value: string | null | undefined): string {
  if (value === null || value === undefined) return NULL;
  return COPY_SPECIAL.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]) : value;
}

/** A text[] literal: every element quoted, so commas, braces and spaces stay inside it. */
function arrayLiteral(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}
