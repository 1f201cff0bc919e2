import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { isInstantInRange } from '@lcm/domain/time/instant-range';
import { ApiError } from './api-error';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Every list pages by keyset: a cursor is the sort key of the previous page's last row, as
 * base64url JSON (an array of strings), opaque to clients and checked when it comes back.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The key a cursor carries, read by `read` (undefined when the array is not a key of this list), or
 * null without a cursor; anything else is a 400 on `cursor`.
 */
export function decodeCursor<K>(cursor: string | undefined, read: (key: unknown[]) => K | undefined): K | null {
  if (!cursor) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const value = Array.isArray(key) ? read(key) : undefined;
  if (value === undefined) throw ApiError.field('cursor', 'not a cursor this API returned');
  return value;
}

/** The usual key: (createdAt, id), stable while rows are added. */
export interface Keyset {
  createdAt: Date;
  id: string;
}

function keysetOf(row: Keyset): string[] {
  return [row.createdAt.toISOString(), row.id];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A (createdAt, id) key exactly as keysetOf writes it: an instant in the API's range in
 * toISOString's form, and a UUID. Anything else (a hand-made cursor of a date and a non-UUID, a year
 * PostgreSQL can't take) is refused here, before it reaches a query.
 */
function readKeyset([createdAt, id, ...rest]: unknown[]): Keyset | undefined {
  if (rest.length || typeof createdAt !== 'string' || typeof id !== 'string' || !UUID.test(id)) return undefined;
  const date = new Date(createdAt);
  if (!isInstantInRange(date.getTime()) || date.toISOString() !== createdAt) return undefined;
  return { createdAt: date, id };
}

/** The (createdAt, id) key the query's cursor carries (null without one), for lists read in hand-written SQL. */
export function decodeKeyset(query: PageQueryDto): Keyset | null {
  return decodeCursor(query.cursor, readKeyset);
}

export function pageLimit(query: PageQueryDto): number {
  return query.limit ?? 50;
}

/**
 * Prisma `where` and `orderBy` for a keyset page, oldest first (or newest first with 'desc'); fetch
 * limit + 1 rows to know whether more exist.
 */
export function keysetArgs(
  query: PageQueryDto,
  direction: 'asc' | 'desc' = 'asc',
): { take: number; where: object; orderBy: object[] } {
  const after = decodeCursor(query.cursor, readKeyset);
  const past = direction === 'asc' ? 'gt' : 'lt';
  return {
    take: pageLimit(query) + 1,
    where: after
      ? { OR: [{ createdAt: { [past]: after.createdAt } }, { createdAt: after.createdAt, id: { [past]: after.id } }] }
      : {},
    orderBy: [{ createdAt: direction }, { id: direction }],
  };
}

/** A page of (createdAt, id) rows, fetched with keysetArgs. */
export function toPage<R extends Keyset, T>(rows: R[], query: PageQueryDto, map: (row: R) => T): Page<T> {
  return toPageBy(rows, query, map, keysetOf);
}

/** A page from limit + 1 rows in key order: the extra row only says that another page exists. */
export function toPageBy<R, T>(
  rows: R[],
  query: PageQueryDto,
  map: (row: R) => T,
  keyOf: (row: R) => string[],
): Page<T> {
  const limit = pageLimit(query);
  const items = rows.slice(0, limit);
  return {
    items: items.map(map),
    nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null,
  };
}
