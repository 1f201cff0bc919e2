import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Client, PoolClient } from 'pg';
import { DEFAULT_MIGRATIONS_DIR, readMigrations, runMigrations } from '@lcm/database';
import {
  ATTRIBUTE_INSTANTS_COLUMN,
  ISO_INSTANT_PATTERN,
  epochSecondsText,
  parseIsoInstant,
} from '@lcm/domain/segments';
import { createEmptyDatabase, createTestDatabase, insertLineAccount, TestDatabase } from './support/database';

// contacts.attribute_instants is derived by PostgreSQL (migration contact_attribute_instants) and read
// by every compiled date range; these tests hold it to the domain's grammar and arithmetic.

let database: TestDatabase;
let client: PoolClient;
const ACCOUNT = randomUUID();

beforeAll(async () => {
  database = await createTestDatabase();
  client = await database.pool.connect();
  // Far from UTC and with day-first dates: neither may change what the column holds.
  await client.query(`SET TIME ZONE 'Pacific/Chatham'`);
  await client.query(`SET DateStyle = 'SQL, DMY'`);
  await insertLineAccount(client, ACCOUNT, 'instants');
});

afterAll(async () => {
  client?.release();
  await database?.drop();
});

/** What the database derives for each string stored as an attribute: its epoch seconds, or null. */
async function derivedInstants(texts: readonly string[]): Promise<(string | null)[]> {
  const { rows } = await client.query<{ instant: string | null }>(
    `SELECT contact_attribute_instants(jsonb_build_object('v', t)) ->> 'v' AS instant
       FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n`,
    [texts],
  );
  return rows.map((row) => row.instant);
}

const expectedInstant = (text: string) => {
  const instant = parseIsoInstant(text);
  return instant ? epochSecondsText(instant) : null;
};

const two = (n: number) => String(n).padStart(2, '0');
/** Strings in (and near) the ISO grammar: any day of years 1-9999, times, fractions, offsets, and breakages. */
const isoLikeText: fc.Arbitrary<string> = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1968, max: 2040 }), fc.constant(0)),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    time: fc.option(
      fc.record({
        hour: fc.integer({ min: 0, max: 24 }),
        minute: fc.integer({ min: 0, max: 60 }),
        second: fc.option(fc.integer({ min: 0, max: 60 })),
        fraction: fc.option(fc.stringMatching(/^[0-9]{1,7}$/)),
        offset: fc.oneof(fc.constant('Z'), fc.constant(''), fc.integer({ min: -16 * 60, max: 16 * 60 })),
      }),
    ),
  })
  .map(({ year, month, day, time }) => {
    const date = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
    if (!time) return date;
    const seconds =
      time.second === null ? '' : `:${two(time.second)}${time.fraction === null ? '' : `.${time.fraction}`}`;
    const offset =
      typeof time.offset === 'string'
        ? time.offset
        : `${time.offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(time.offset) / 60))}:${two(Math.abs(time.offset) % 60)}`;
    return `${date}T${two(time.hour)}:${two(time.minute)}${seconds}${offset}`;
  });

describe('contacts.attribute_instants', () => {
  it('is derived with the domain grammar verbatim', async () => {
    const { rows } = await client.query<{ source: string }>(
      `SELECT prosrc AS source FROM pg_proc WHERE proname = 'contact_attribute_instants'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].source).toContain(`like_regex "${ISO_INSTANT_PATTERN}"`);
  });

  it('holds exactly the instants the domain reads from the same strings (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(isoLikeText, { minLength: 1, maxLength: 200 }), async (texts) => {
        expect(await derivedInstants(texts)).toEqual(texts.map(expectedInstant));
      }),
      { numRuns: 50 },
    );
    const edges = [
      '2024-02-29',
      '2023-02-29',
      '0001-01-01T00:00+14:00',
      '9999-12-31T23:59:59.999999-14:59',
      '1969-12-31T23:59:59.5Z',
      '2024-06-01 ',
      '2024-06-01\n',
      'Taipei',
      '',
    ];
    expect(await derivedInstants(edges)).toEqual(edges.map(expectedInstant));
    expect(await derivedInstants(['2024-06-01', '2024-06-01T08:00+08:00'])).toEqual([
      '1717200000.000000',
      '1717200000.000000',
    ]);
    const { rows } = await client.query(
      `SELECT contact_attribute_instants('["2024-06-01"]') AS array, contact_attribute_instants('"2024-06-01"') AS string`,
    );
    expect(rows[0]).toEqual({ array: null, string: null }); // attributes that are not an object hold no dates
  });

  it('keeps only the date attributes of a contact, follows every change of them, and cannot be written', async () => {
    const insert = await client.query<{ id: string; instants: unknown }>(
      `INSERT INTO contacts (id, line_account_id, line_user_id, attributes, updated_at)
       VALUES ($1, $2, 'U1', '{"joined": "2024-06-01", "city": "Taipei", "age": 30, "seen": "2024-06-01T12:00:00.25+02:00", "odd": ["2024-06-01"]}', now())
       RETURNING id, ${ATTRIBUTE_INSTANTS_COLUMN} AS instants`,
      [randomUUID(), ACCOUNT],
    );
    expect(insert.rows[0].instants).toEqual({ joined: 1717200000, seen: 1717236000.25 });
    const id = insert.rows[0].id;

    const instantsAfter = async (update: string) =>
      (
        await client.query(
          `UPDATE contacts SET attributes = ${update} WHERE id = $1 RETURNING ${ATTRIBUTE_INSTANTS_COLUMN} AS instants`,
          [id],
        )
      ).rows[0].instants;
    expect(await instantsAfter(`attributes || '{"joined": "not yet"}'`)).toEqual({ seen: 1717236000.25 });
    expect(await instantsAfter(`'{"city": "Tainan"}'`)).toBeNull();
    expect(await instantsAfter(`'{"joined": "2020-01-01"}'`)).toEqual({ joined: 1577836800 });

    await expect(
      client.query(`UPDATE contacts SET ${ATTRIBUTE_INSTANTS_COLUMN} = '{"joined": 0}' WHERE id = $1`, [id]),
    ).rejects.toMatchObject({ code: '428C9' });
  });

  it('is filled for the contacts that existed when its migration ran', async () => {
    const db = await createEmptyDatabase();
    const before = fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-migrations-before-'));
    const sql = new Client({ connectionString: db.url });
    try {
      const introducing = readMigrations().findIndex((migration) =>
        migration.sql.includes(`ADD COLUMN "${ATTRIBUTE_INSTANTS_COLUMN}"`),
      );
      expect(introducing).toBeGreaterThan(0);
      for (const migration of readMigrations().slice(0, introducing)) {
        fs.cpSync(path.join(DEFAULT_MIGRATIONS_DIR, migration.name), path.join(before, migration.name), {
          recursive: true,
        });
      }
      await runMigrations({ connectionString: db.url, migrationsDir: before });
      await sql.connect();
      await sql.query(
        `INSERT INTO line_accounts (id, name, channel_id, channel_access_token, channel_secret, plan, monthly_budget, updated_at)
         VALUES ($1, 'existing', 'existing', 'token', 'secret', 'high', 1000, now())`,
        [ACCOUNT],
      );
      await sql.query(
        `INSERT INTO contacts (id, line_account_id, line_user_id, attributes, updated_at)
         VALUES (gen_random_uuid(), $1, 'U1', '{"joined": "2024-06-01", "city": "Taipei"}', now()),
                (gen_random_uuid(), $1, 'U2', '{"city": "Tainan"}', now())`,
        [ACCOUNT],
      );
      await runMigrations({ connectionString: db.url });
      const { rows } = await sql.query(
        `SELECT line_user_id, ${ATTRIBUTE_INSTANTS_COLUMN} AS instants FROM contacts ORDER BY line_user_id`,
      );
      expect(rows).toEqual([
        { line_user_id: 'U1', instants: { joined: 1717200000 } },
        { line_user_id: 'U2', instants: null },
      ]);
    } finally {
      await sql.end().catch(() => undefined);
      fs.rmSync(before, { recursive: true, force: true });
      await db.drop();
    }
  });
});
