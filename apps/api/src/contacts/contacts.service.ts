import type { CapWindow } from '../frequency-caps/delivery-history.repository';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ApiError } from '../common/api-error';
import { decodeCursor, Page, pageLimit, toPageBy } from '../common/pagination';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { checkContactInput, checkUpsertBody, ContactStatusName, ContactWrite } from './contact-input';
import type { Transaction } from '../database/prisma.service';
import {
  ContactImportProgressDto,
  ContactImportResponseDto,
  ContactListQueryDto,
  ContactResponseDto,
  ContactsUpsertResponseDto,
} from './contacts.dto';
import { ContactCountsCache } from './contact-counts.cache';
import { ContactChangesRepository } from './contact-changes.repository';
import { ContactCounts, ContactPredicate, ContactsRepository, UpsertCounts } from './contacts.repository';
import { CsvParser } from './csv-parser';
import { CsvContactImport, ImportSummary } from './csv-import';
import { ContactImportRepository, ContactImportSession } from './contact-import.repository';
import { ContactImportProgressRepository, ContactImportProgressRow } from './contact-import-progress.repository';
import { isLineUserId } from '@lcm/domain/line-messages';
import { attributeFilterRule, compileRuleToSql } from '@lcm/domain/segments';
import { toContactResponse } from './contacts.mapper';
import { Metrics } from '../metrics/metrics';

const CSV_CONTENT_TYPES = ['text/csv', 'application/csv', 'text/plain'];
/** How often a running import writes its progress (also its heartbeat: see ContactImportProgressRepository). */
const PROGRESS_MS = 1_000;
/**
 * Characters of a CSV upload parsed at a time. The rows of one piece live until it is staged: 8 KB
 * keeps them inside V8's young generation, where 64 KB (a socket read) had them promoted and the
 * old generation collected every fifth of a second (staging 1,000,000 rows, no database: 2.6 → 2.2 s).
 */
const PARSE_PIECE = 8 * 1024;

@Injectable()
export class ContactsService {
  private readonly logger = new Logger(ContactsService.name);

  constructor(
    private readonly repository: ContactsRepository,
    private readonly imports: ContactImportRepository,
    private readonly progress: ContactImportProgressRepository,
    private readonly accounts: LineAccountsService,
    private readonly metrics: Metrics,
    private readonly counts: ContactCountsCache,
    private readonly changes: ContactChangesRepository,
  ) {}

  /**
   * Up to 10,000 contacts in one transaction: COPYed into a staging table, then one upsert. A row with a problem (or an
   * earlier row superseded by a later one for the same user) is listed in `rejected`; the rest are written.
   */
  async upsert(lineAccountId: string, body: unknown): Promise<ContactsUpsertResponseDto> {
    const contacts = checkUpsertBody(body);
    if (!contacts.ok) throw ApiError.field(contacts.field, contacts.problem);
    await this.accounts.mustFind(lineAccountId);
    const rejected: { index: number; problem: string }[] = [];
    const accepted = new Map<string, { index: number; row: ContactWrite }>();
    contacts.value.forEach((input, index) => {
      const checked = checkContactInput(input);
      if (!checked.ok) return rejected.push({ index, problem: checked.problem });
      const earlier = accepted.get(checked.value.lineUserId);
      if (earlier)
        rejected.push({
          index: earlier.index,
          problem: `superseded by contacts[${index}], which has the same lineUserId`,
        });
      accepted.set(checked.value.lineUserId, { index, row: checked.value });
    });
    const counts = await this.imports.upsert(
      lineAccountId,
      [...accepted.values()].map((entry) => entry.row),
    );
    return { ...counts, rejected: rejected.sort((a, b) => a.index - b.index) };
  }

  /**
   * A CSV import read straight from the request stream: parsed and checked as it arrives, each good
   * row COPYed into the import's staging table at once (see ContactImportRepository), so memory stays
   * flat however large the file; at the end one upsert writes them all, in one transaction. Bad
   * records are counted and the first 1,000 listed with their line; the rest are written.
   * With an `importId`, its progress (reading, then writing chunk by chunk) and outcome can be
   * followed with `importProgress` while the upload runs.
   */
  async importCsv(
    lineAccountId: string,
    request: IncomingMessage,
    importId?: string,
  ): Promise<ContactImportResponseDto> {
    await this.accounts.mustFind(lineAccountId);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!CSV_CONTENT_TYPES.includes(contentType) || request.readableEnded) {
      throw new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'send the CSV as the request body with Content-Type: text/csv',
        [{ field: 'Content-Type', problem: `must be text/csv, not ${contentType || 'missing'}` }],
      );
    }
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
    if (charset && !['utf-8', 'utf8', 'us-ascii'].includes(charset)) {
      throw new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `the CSV must be UTF-8, not ${charset.slice(0, 40)}`, [
        { field: 'Content-Type', problem: `charset must be utf-8, not ${charset.slice(0, 40)}` },
      ]);
    }
    const source = decodedBody(request);
    if (importId && !(await this.progress.start(importId, lineAccountId)))
      throw ApiError.conflict(`importId ${importId} names another import: send a new one for each file`, [
        { field: 'importId', problem: 'is taken by another import' },
      ]);
    const parser = new CsvParser();
    const decoder = new StringDecoder('utf8');
    const rows = new CsvContactImport();
    // Opened at the first row to write: a file refused at its header never takes a connection.
    let session: ContactImportSession | null = null;
    const progressOf = () => {
      const at = (session as ContactImportSession | null)?.progress();
      return { rowsRead: rows.summary.rows, rowsToWrite: at?.rowsToWrite ?? null, rowsWritten: at?.rowsWritten ?? 0 };
    };
    const reporter = importId
      ? new ProgressReporter(
          () =>
            this.progress.report(importId, {
              state: (session as ContactImportSession | null)?.progress().phase ?? 'reading',
              ...progressOf(),
            }),
          this.logger,
        )
      : null;
    let summary: ImportSummary;
    const take = async (items: ReturnType<CsvParser['push']>) => {
      for (const item of items) {
        const row = rows.add(item.line, item.fields, item.problem);
        if (!row) continue;
        session ??= await this.imports.open(lineAccountId, () => reporter?.poke());
        session.add(item.line, row);
      }
    };
    try {
      // Async iteration pauses the socket while the database catches up: backpressure, not buffering.
      for await (const chunk of source) {
        const text = decoder.write(chunk as Buffer);
        for (let at = 0; at < text.length; at += PARSE_PIECE) await take(parser.push(text.slice(at, at + PARSE_PIECE)));
        await (session as ContactImportSession | null)?.ready();
      }
      await take(parser.end(decoder.end()));
      if (session) rows.count(await (session as ContactImportSession).finish());
      summary = rows.finish();
    } catch (caught) {
      await (session as ContactImportSession | null)?.abort();
      request.resume(); // drain what the client still sends, so the error can be answered
      const error = (caught as { code?: string }).code?.startsWith('Z_')
        ? ApiError.field('body', 'is not valid gzip (Content-Encoding: gzip)')
        : caught;
      await reporter?.stop();
      if (importId)
        await this.progress
          .finish(importId, {
            state: 'failed',
            ...progressOf(),
            rowsWritten: 0, // rolled back
            created: null,
            updated: null,
            rejectedCount: null,
            error: error instanceof ApiError ? error.message : 'the import failed; nothing was written',
          })
          .catch((failure: Error) => this.logger.warn({ err: failure }, 'contact import outcome not recorded'));
      throw error;
    }
    await reporter?.stop();
    if (importId)
      await this.progress
        .finish(importId, {
          state: 'completed',
          ...progressOf(),
          rowsWritten: summary.created + summary.updated,
          created: summary.created,
          updated: summary.updated,
          rejectedCount: summary.rejectedCount,
          error: null,
        })
        .catch((failure: Error) => this.logger.warn({ err: failure }, 'contact import outcome not recorded'));
    this.metrics.imported({ created: summary.created, updated: summary.updated, rejected: summary.rejectedCount });
    return summary;
  }

  /** A CSV import's progress, by the importId its upload named (404 for another account's). */
  async importProgress(lineAccountId: string, importId: string): Promise<ContactImportProgressDto> {
    await this.accounts.mustFind(lineAccountId);
    const row = await this.progress.find(lineAccountId, importId);
    if (!row) throw ApiError.notFound('contact import');
    return toImportProgress(row);
  }

  async list(lineAccountId: string, query: ContactListQueryDto): Promise<Page<ContactResponseDto>> {
    await this.accounts.mustFind(lineAccountId);
    // Contacts page by lineUserId, which the (account, lineUserId) unique index keeps in order.
    const after = decodeCursor(query.cursor, ([id, ...rest]) => (!rest.length && isLineUserId(id) ? id : undefined));
    const rows = await this.repository.list(lineAccountId, {
      tag: query.tag,
      status: query.status,
      attribute: attributeFilterOf(query),
      afterLineUserId: after ?? undefined,
      limit: pageLimit(query) + 1,
    });
    return toPageBy(rows, query, toContactResponse, (row) => [row.lineUserId]);
  }

  /**
   * For audiences: the contacts that match a compiled rule, by status. A count that reads only the
   * account's contacts is reused while none of them changed (ContactCountsCache); under a frequency
   * cap it depends on deliveries, and a rule with a subquery (postback taps) on another table, so
   * those are counted every time.
   */
  async countMatching(
    lineAccountId: string,
    predicate: ContactPredicate,
    cap: CapWindow | null,
  ): Promise<ContactCounts> {
    const count = () => this.repository.countMatching(lineAccountId, predicate, cap);
    if (cap || /\bFROM\b/i.test(predicate.sql)) return count();
    const changeSeq = await this.changes.changeSeq(lineAccountId);
    return this.counts.get(lineAccountId, changeSeq, predicate, count);
  }

  /** For audiences: the first following contacts that match a compiled rule, in lineUserId order. */
  async listFollowingMatching(
    lineAccountId: string,
    predicate: ContactPredicate,
    limit: number,
  ): Promise<ContactResponseDto[]> {
    return (await this.repository.listFollowingMatching(lineAccountId, predicate, limit)).map(toContactResponse);
  }

  /** For test sends: which of these users are following contacts of the account. */
  followingAmong(lineAccountId: string, lineUserIds: string[]): Promise<Set<string>> {
    return this.repository.followingAmong(lineAccountId, lineUserIds);
  }

  /** For the followers import (in its transaction, with the job's progress): see ContactsRepository.upsertFollowers. */
  upsertFollowers(
    lineAccountId: string,
    lineUserIds: string[],
    followedAt: Date,
    tx?: Transaction,
  ): Promise<UpsertCounts> {
    return this.repository.upsertFollowers(lineAccountId, lineUserIds, followedAt, tx);
  }

  /** For the LINE webhook: a follow, block or unfollow at `at`, in the caller's transaction. */
  setStatus(
    lineAccountId: string,
    lineUserId: string,
    status: ContactStatusName,
    at: Date,
    tx?: Transaction,
  ): Promise<{ created: boolean }> {
    return this.repository.setStatus(lineAccountId, lineUserId, status, at, tx);
  }

  /** For the LINE webhook: the user wrote or tapped at `at` (an unknown user becomes a following contact). */
  touchInteraction(lineAccountId: string, lineUserId: string, at: Date, tx?: Transaction): Promise<void> {
    return this.repository.touchInteraction(lineAccountId, lineUserId, at, tx);
  }
}

/**
 * The request body as the client wrote it: a CSV sent with `Content-Encoding: gzip` (as curl
 * `--compressed`-style clients and scripts do to save upload time) is inflated as it streams.
 */
function decodedBody(request: IncomingMessage): Readable {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return request;
  if (encoding === 'gzip' || encoding === 'x-gzip') return request.pipe(createGunzip());
  throw new ApiError(
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    `the CSV may be sent as is or gzipped, not ${encoding.slice(0, 40)}`,
    [{ field: 'Content-Encoding', problem: `must be gzip or identity, not ${encoding.slice(0, 40)}` }],
  );
}

/**
 * The list's attribute filter as the predicate an audience with that one condition compiles to
 * (placeholders from $2), or undefined without one; 400 naming the query field when it can't be read.
 */
function attributeFilterOf(query: ContactListQueryDto): ContactPredicate | undefined {
  if (query.attribute === undefined) {
    const stray = (['op', 'value', 'valueType'] as const).find((key) => query[key] !== undefined);
    if (stray) throw ApiError.field(stray, 'is only read with attribute');
    return undefined;
  }
  const read = attributeFilterRule({
    attribute: query.attribute,
    op: query.op,
    value: query.value,
    valueType: query.valueType,
  });
  if (!read.ok)
    throw ApiError.badRequest(read.problems.map((p) => `${p.field}: ${p.problem}`).join('; '), read.problems);
  // An attribute condition never looks at the clock; `now` is only the compiler's contract.
  return compileRuleToSql(read.rule, { alias: 'c', firstParam: 2, now: new Date(0) });
}

function toImportProgress(row: ContactImportProgressRow): ContactImportProgressDto {
  return {
    ...row,
    startedAt: row.startedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Writes an import's progress on the pool, never waited for by the import (whose transaction must
 * not wait for a second connection): at most one write at a time, the latest state after it; and
 * every PROGRESS_MS as a heartbeat, so a running import is told from one whose instance died.
 */
class ProgressReporter {
  private inFlight: Promise<void> | null = null;
  private again = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => this.poke(), PROGRESS_MS);
    this.timer.unref();
  }

  poke(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = this.write()
      .catch((error: Error) => this.logger.warn({ err: error }, 'contact import progress not recorded'))
      .finally(() => {
        this.inFlight = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Stops the heartbeat and waits for the write in flight (the outcome is written after it). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.again = false;
    await this.inFlight;
  }
}
