import { Injectable } from '@nestjs/common';
import { Prisma } from '@lcm/database';
import { PrismaService, Transaction } from '../database/prisma.service';
import { atCapSql, CapWindow } from '../frequency-caps/delivery-history.repository';
import type { AttributeValue, ContactStatusName } from './contact-input';

export interface ContactRow {
  id: string;
  lineAccountId: string;
  lineUserId: string;
  displayName: string | null;
  tags: string[];
  attributes: Record<string, AttributeValue>;
  status: ContactStatusName;
  followedAt: Date | null;
  lastInteractionAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface UpsertCounts {
  created: number;
  updated: number;
}

export interface ContactFilter {
  tag?: string;
  status?: ContactStatusName;
  /** An attribute condition compiled like an audience rule (placeholders from $2). */
  attribute?: ContactPredicate;
  /** Keyset: rows with a lineUserId after this one. */
  afterLineUserId?: string;
  limit: number;
}

/** A compiled audience rule: a predicate over `contacts c` whose placeholders start at $2 ($1 is the account). */
export interface ContactPredicate {
  sql: string;
  params: unknown[];
}

export interface ContactCounts {
  following: number;
  blocked: number;
  unfollowed: number;
  /** Following, but at their frequency cap (0 without a cap) */
  frequencyCap: number;
}

/**
 * The following contacts of account $1 that match `predicate`, at most `$<limitParam>`: the
 * recipients' SELECT, for a statement that stores them without passing through Node (the
 * dispatch snapshot's INSERT … SELECT).
 */
export function followingMatchingSql(predicate: ContactPredicate, limitParam: number, extraColumns = ''): string {
  return `SELECT c.line_user_id${extraColumns} FROM contacts c
                  WHERE c.line_account_id = $1::uuid AND c.status = 'following' AND (${predicate.sql})
                  LIMIT $${limitParam}::bigint`;
}

/** The columns of a ContactRow from `contacts c`. */
const CONTACT_COLUMNS_SQL = `c.id::text AS "id", c.line_account_id::text AS "lineAccountId", c.line_user_id AS "lineUserId",
  c.display_name AS "displayName", coalesce(c.tags, '{}') AS "tags", c.attributes, c.status::text AS "status",
  c.followed_at AS "followedAt", c.last_interaction_at AS "lastInteractionAt", c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;
const CONTACT_COLUMNS = Prisma.raw(CONTACT_COLUMNS_SQL);

/**
 * Contacts in PostgreSQL. Writes are set-based, never one statement per contact: imports and bulk
 * upserts go through ContactImportRepository (COPY into a staging table). The followers import and
 * the LINE webhook reuse `upsertFollowers`, `setStatus` and `touchInteraction`, so every way a
 * contact arrives ends in the same rows.
 */
@Injectable()
export class ContactsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /**
   * Followers as LINE lists them: new ones are created as `following` with `followedAt`; known ones
   * that were blocked or unfollowed become `following` again from `followedAt`; followers already
   * `following` keep their own follow time. Returns how many were created and how many changed.
   */
  async upsertFollowers(
    lineAccountId: string,
    lineUserIds: string[],
    followedAt: Date,
    tx?: Transaction,
  ): Promise<UpsertCounts> {
    const ids = [...new Set(lineUserIds)].sort();
    if (!ids.length) return { created: 0, updated: 0 };
    const rows = await this.prisma.db(tx).$queryRawUnsafe<UpsertCounts[]>(
      `WITH up AS (
         INSERT INTO contacts AS c (id, line_account_id, line_user_id, tags, attributes, status, followed_at, created_at, updated_at)
         SELECT gen_random_uuid(), $1::uuid, u.id, '{}', '{}', 'following', $3::timestamptz, now(), now()
           FROM unnest($2::text[]) AS u(id)
         ON CONFLICT (line_account_id, line_user_id) DO UPDATE
           SET status = 'following',
               followed_at = CASE WHEN c.status = 'following' AND c.followed_at IS NOT NULL THEN c.followed_at ELSE EXCLUDED.followed_at END,
               updated_at = now()
           WHERE c.status <> 'following' OR c.followed_at IS NULL
         RETURNING (xmax = 0) AS inserted)
       SELECT count(*) FILTER (WHERE inserted)::int AS created, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
      lineAccountId,
      ids,
      followedAt.toISOString(),
    );
    return rows[0];
  }

  /**
   * A follow, block or unfollow of one user at `at` (a webhook event). Creates the contact when it is
   * unknown. Becoming `following` again starts a new follow (followedAt = at).
   */
  async setStatus(
    lineAccountId: string,
    lineUserId: string,
    status: ContactStatusName,
    at: Date,
    tx?: Transaction,
  ): Promise<{ created: boolean }> {
    const rows = await this.prisma.db(tx).$queryRawUnsafe<{ inserted: boolean }[]>(
      `INSERT INTO contacts AS c (id, line_account_id, line_user_id, tags, attributes, status, followed_at, created_at, updated_at)
       VALUES (gen_random_uuid(), $1::uuid, $2, '{}', '{}', $3::"ContactStatus",
               CASE WHEN $3 = 'following' THEN $4::timestamptz END, now(), now())
       ON CONFLICT (line_account_id, line_user_id) DO UPDATE
         SET status = EXCLUDED.status,
             followed_at = CASE WHEN EXCLUDED.status = 'following' AND (c.status <> 'following' OR c.followed_at IS NULL)
                                THEN $4::timestamptz ELSE c.followed_at END,
             updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      lineAccountId,
      lineUserId,
      status,
      at.toISOString(),
    );
    return { created: rows[0].inserted };
  }

  /** The user wrote to the account (or otherwise interacted) at `at`; an unknown user becomes a following contact. */
  async touchInteraction(lineAccountId: string, lineUserId: string, at: Date, tx?: Transaction): Promise<void> {
    await this.prisma.db(tx).$executeRawUnsafe(
      `INSERT INTO contacts AS c (id, line_account_id, line_user_id, tags, attributes, status, last_interaction_at, created_at, updated_at)
       VALUES (gen_random_uuid(), $1::uuid, $2, '{}', '{}', 'following', $3::timestamptz, now(), now())
       ON CONFLICT (line_account_id, line_user_id) DO UPDATE
         SET last_interaction_at = GREATEST(c.last_interaction_at, EXCLUDED.last_interaction_at), updated_at = now()`,
      lineAccountId,
      lineUserId,
      at.toISOString(),
    );
  }

  /**
   * A page of an account's contacts in lineUserId order. The unique (account, lineUserId) index
   * serves the order and the keyset; tag (GIN on tags), status ((account, status, lineUserId)) and
   * an attribute `eq`/`in` (GIN jsonb_path_ops on attributes) let PostgreSQL pick the narrower path
   * (docs/api.md, "Contacts: filters at 1,000,000").
   */
  list(lineAccountId: string, filter: ContactFilter): Promise<ContactRow[]> {
    const params: unknown[] = [lineAccountId, ...(filter.attribute?.params ?? [])];
    const conditions = ['c.line_account_id = $1::uuid'];
    if (filter.attribute) conditions.push(`(${filter.attribute.sql})`);
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.tag !== undefined) conditions.push(`c.tags @> ARRAY[${param(filter.tag)}::text]`);
    if (filter.status !== undefined) conditions.push(`c.status = ${param(filter.status)}::"ContactStatus"`);
    if (filter.afterLineUserId !== undefined) conditions.push(`c.line_user_id > ${param(filter.afterLineUserId)}`);
    return this.prisma.client.$queryRawUnsafe<ContactRow[]>(
      `SELECT ${CONTACT_COLUMNS_SQL} FROM contacts c
        WHERE ${conditions.join(' AND ')} ORDER BY c.line_user_id LIMIT ${param(filter.limit)}::int`,
      ...params,
    );
  }

  findByLineUserId(lineAccountId: string, lineUserId: string): Promise<ContactRow | null> {
    return this.prisma.client.$queryRaw<ContactRow[]>`SELECT ${CONTACT_COLUMNS} FROM contacts c
      WHERE c.line_account_id = ${lineAccountId}::uuid AND c.line_user_id = ${lineUserId}`.then(
      (rows) => rows[0] ?? null,
    );
  }

  /**
   * The contacts that match an audience's predicate, by status, in one query (each LINE user is one
   * row per account, so nothing is counted twice).
   */
  async countMatching(
    lineAccountId: string,
    predicate: ContactPredicate,
    cap: CapWindow | null,
  ): Promise<ContactCounts> {
    const n = predicate.params.length;
    // Under a cap, following members at it are counted apart (frequencyCap), not as following; each
    // member is looked up in the hash of those at the cap (as in the gate's snapshot). On the pg pool:
    // the month's usage counts each due campaign's audience, and Prisma's CPU per query was a good
    // part of that read's (README, "API latency"); every parameter is text or a number, and the
    // counts are int4, which pg answers as Prisma does.
    const { rows } = await this.prisma.pool.query<ContactCounts>(
      `${cap ? `WITH capped AS MATERIALIZED (${atCapSql(1, n + 2, n + 3, n + 4)}) ` : ''}
       SELECT count(*) FILTER (WHERE c.status = 'following'${cap ? ' AND NOT at_cap' : ''})::int AS following,
              count(*) FILTER (WHERE c.status = 'blocked')::int AS blocked,
              count(*) FILTER (WHERE c.status = 'unfollowed')::int AS unfollowed,
              ${cap ? `count(*) FILTER (WHERE c.status = 'following' AND at_cap)` : '0'}::int AS "frequencyCap"
         FROM contacts c${cap ? ' CROSS JOIN LATERAL (SELECT c.line_user_id IN (SELECT line_user_id FROM capped) AS at_cap) k' : ''}
        WHERE c.line_account_id = $1::uuid AND (${predicate.sql})`,
      [
        lineAccountId,
        ...predicate.params,
        ...(cap ? [cap.since.toISOString(), cap.messages, cap.until.toISOString()] : []),
      ],
    );
    return rows[0];
  }

  /** Following contacts that match the predicate, in lineUserId order. */
  listFollowingMatching(lineAccountId: string, predicate: ContactPredicate, limit: number): Promise<ContactRow[]> {
    const limitParam = predicate.params.length + 2;
    return this.prisma.client.$queryRawUnsafe<ContactRow[]>(
      `SELECT ${CONTACT_COLUMNS_SQL}
         FROM contacts c
        WHERE c.line_account_id = $1::uuid AND c.status = 'following' AND (${predicate.sql})
        ORDER BY c.line_user_id
        LIMIT $${limitParam}::int`,
      lineAccountId,
      ...predicate.params,
      limit,
    );
  }

  /** Which of these users are following contacts of the account. */
  async followingAmong(lineAccountId: string, lineUserIds: string[]): Promise<Set<string>> {
    const rows = await this.prisma.client.$queryRaw<{ line_user_id: string }[]>`
      SELECT line_user_id FROM contacts
       WHERE line_account_id = ${lineAccountId}::uuid AND status = 'following' AND line_user_id = ANY(${lineUserIds}::text[])`;
    return new Set(rows.map((row) => row.line_user_id));
  }
}
