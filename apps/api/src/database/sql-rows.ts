import { Prisma } from '@lcm/database';

/**
 * Every field of a Prisma model, with its column: a plain column name, `{ decimal }` for a Decimal
 * field (the type demands it, so a Decimal read as a string can't slip through) or `{ date }` for a
 * `@db.Date` one. The mapped type lists every field, so a column added to the schema fails the
 * typecheck until the hand-written reads select it too.
 */
export type ColumnsOf<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends Prisma.Decimal
    ? { decimal: string }
    : NonNullable<T[K]> extends Date
      ? string | { date: string }
      : string;
};

/** A model's columns for hand-written SQL on the pg pool, and how to turn a row back into Prisma's shape. */
export interface ModelColumns<T> {
  /** `a.col AS "field", …` for a SELECT with the table aliased as `alias`. */
  select(alias: string): string;
  /** The row as Prisma returns it: Decimals as Prisma.Decimal, dates as UTC midnight; the rest as pg parses it. */
  read(row: Record<string, unknown>): T;
}

/**
 * The hot reads (campaign list, run progress, month usage) use this instead of Prisma: its query
 * compiler and client cost more CPU per query than the query itself (README, "API latency"). pg
 * parses uuid, text, int, bool, json, int[] and timestamptz as Prisma does; numeric comes back a
 * string and date as a local Date, which `read` fixes.
 */
export function modelColumns<T>(spec: ColumnsOf<T>): ModelColumns<T> {
  const entries = Object.entries(spec) as [string, string | { decimal: string } | { date: string }][];
  const decimals = entries.filter(([, column]) => typeof column === 'object' && 'decimal' in column).map(([f]) => f);
  const dates = entries.filter(([, column]) => typeof column === 'object' && 'date' in column).map(([f]) => f);
  const selected = new Map<string, string>();
  return {
    select(alias) {
      let list = selected.get(alias);
      if (list === undefined) {
        list = entries
          .map(([field, column]) => {
            if (typeof column === 'string') return `${alias}.${column} AS "${field}"`;
            if ('decimal' in column) return `${alias}.${column.decimal}::text AS "${field}"`;
            return `to_char(${alias}.${column.date}, 'YYYY-MM-DD') AS "${field}"`;
          })
          .join(', ');
        selected.set(alias, list);
      }
      return list;
    },
    read(row) {
      for (const field of decimals) if (row[field] !== null) row[field] = new Prisma.Decimal(row[field] as string);
      for (const field of dates) if (row[field] !== null) row[field] = new Date(`${row[field] as string}T00:00:00Z`);
      return row as T;
    },
  };
}
