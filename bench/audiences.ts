// Audience sizes at scale: 1,000,000 contacts on one account, three representative rule trees,
// GET /audiences/:id/size against a hand-written SQL count of the same predicate on the same
// database in the same run. (The CSV import has its own benchmark: bench/contacts-import.ts.)
import { Client } from 'pg';
import type { AudienceRule } from '@lcm/domain/segments';
import { api, BenchApp, median, mib, openBenchDatabase, RssSampler, startBenchApp, table, timed } from './support';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const SEED_CHUNK = 50_000;
const RUNS = 5;

interface Tree {
  name: string;
  definition: AudienceRule;
  /** The same predicate as a person would write it; $2 is the service's `now` (computedAt). */
  handWritten: string;
}

const TREES: Tree[] = [
  {
    name: 'tag',
    definition: { tag: 'vip' },
    handWritten: `c.tags @> ARRAY['vip']`,
  },
  {
    name: 'tag + attribute range + interacted 30 d',
    definition: {
      all: [
        { tag: 'newsletter' },
        { attribute: 'age', op: 'gte', value: 25 },
        { attribute: 'age', op: 'lt', value: 40 },
        { interactedWithinDays: 30 },
      ],
    },
    handWritten: `c.tags @> ARRAY['newsletter'] AND (c.attributes->>'age')::int >= 25 AND (c.attributes->>'age')::int < 40
                  AND c.last_interaction_at >= $2::timestamptz - interval '30 days'`,
  },
  {
    name: 'any of 3 attribute conditions, one a not',
    definition: {
      any: [
        { attribute: 'city', op: 'eq', value: 'Taichung' },
        { attribute: 'spend', op: 'gte', value: 9000 },
        { not: { attribute: 'signupDate', op: 'lt', value: '2024-06-01' } },
      ],
    },
    handWritten: `c.attributes->>'city' = 'Taichung' OR (c.attributes->>'spend')::numeric >= 9000
                  OR NOT ((c.attributes->>'signupDate')::date < date '2024-06-01')`,
  },
  {
    // The same shape with a number instead of the ISO date: shows what the date comparison costs.
    name: 'the same with a number for the date',
    definition: {
      any: [
        { attribute: 'city', op: 'eq', value: 'Taichung' },
        { attribute: 'spend', op: 'gte', value: 9000 },
        { not: { attribute: 'age', op: 'lt', value: 70 } },
      ],
    },
    handWritten: `c.attributes->>'city' = 'Taichung' OR (c.attributes->>'spend')::numeric >= 9000
                  OR NOT ((c.attributes->>'age')::numeric < 70)`,
  },
];

/**
 * Contacts generated inside PostgreSQL (no rows pass through Node), from multiplicative hashes of
 * their number: tags vip 5%, newsletter 30%, churn-risk 2%, app-user 40%; city of six; age 18-77;
 * spend 0-9999; member on a quarter; signup dates over six years; 90% following, 7% blocked,
 * 3% unfollowed; followed within 3 years; 90% interacted within a year. LINE user ids (and row ids)
 * are md5 hex, so the unique indexes see random keys as they would in real life.
 */
export const SEED_SQL = `
INSERT INTO contacts (id, line_account_id, line_user_id, display_name, tags, attributes, status, followed_at, last_interaction_at, created_at, updated_at)
SELECT r.m::uuid, $1::uuid, 'U' || r.m, 'User ' || i,
       array_remove(ARRAY[
         CASE WHEN r.h1 % 100 < 5 THEN 'vip' END,
         CASE WHEN r.h2 % 100 < 30 THEN 'newsletter' END,
         CASE WHEN r.h3 % 100 < 2 THEN 'churn-risk' END,
         CASE WHEN r.h4 % 100 < 40 THEN 'app-user' END], NULL),
       jsonb_build_object(
         'city', (ARRAY['Taipei', 'New Taipei', 'Taichung', 'Kaohsiung', 'Tainan', 'Hsinchu'])[1 + (r.h1 / 100) % 6],
         'age', 18 + (r.h2 / 100) % 60,
         'spend', (r.h3 / 100) % 10000,
         'signupDate', to_char(date '2020-01-01' + ((r.h4 / 100) % 2190)::int, 'YYYY-MM-DD'))
         || CASE WHEN (r.h1 / 1000) % 4 = 0 THEN '{"member": true}'::jsonb ELSE '{}'::jsonb END,
       (CASE WHEN (r.h2 / 10000) % 100 < 90 THEN 'following' WHEN (r.h2 / 10000) % 100 < 97 THEN 'blocked' ELSE 'unfollowed' END)::"ContactStatus",
       now() - ((r.h3 / 10000) % 1095) * interval '1 day',
       CASE WHEN (r.h4 / 10000) % 10 = 0 THEN NULL ELSE now() - ((r.h4 / 1000) % 31536000) * interval '1 second' END,
       now(), now()
  FROM generate_series($2::int, $3::int) AS i,
       LATERAL (SELECT md5('bench-' || i) AS m,
                       (i::bigint * 2654435761 % 4294967296) >> 4 AS h1,
                       (i::bigint * 2246822519 % 4294967296) >> 4 AS h2,
                       (i::bigint * 3266489917 % 4294967296) >> 4 AS h3,
                       (i::bigint * 668265263 % 4294967296) >> 4 AS h4) AS r`;

export async function runAudiencesBench(): Promise<void> {
  const log = (line: string) => console.log(`[audiences] ${line}`);
  const sampler = new RssSampler().start();
  const database = await openBenchDatabase();
  let bench: BenchApp | null = null;
  const sql = new Client({ connectionString: database.url });
  try {
    log(`database: ${database.description}; ${CONTACTS.toLocaleString('en')} contacts; node ${process.version}`);
    bench = await startBenchApp(database.url);
    await sql.connect();
    const account = await api<{ id: string }>(bench, 'POST', '/line-accounts', {
      name: 'Bench',
      channelId: '1600000001',
      channelAccessToken: 'bench',
      channelSecret: 'bench',
      plan: 'high',
      monthlyBudget: '1000',
    });

    // 1. Seed.
    // Two sessions (one per core) take chunks of SEED_CHUNK rows from a shared counter; every index stays in place.
    const seed = await timed(async () => {
      let next = 1;
      const worker = async () => {
        const session = new Client({ connectionString: database.url });
        await session.connect();
        try {
          await session.query('SET synchronous_commit = off');
          while (next <= CONTACTS) {
            const from = next;
            next += SEED_CHUNK;
            await session.query(SEED_SQL, [account.id, from, Math.min(CONTACTS, from + SEED_CHUNK - 1)]);
          }
        } finally {
          await session.end();
        }
      };
      await Promise.all([worker(), worker()]);
    });
    const analyze = await timed(() => sql.query('VACUUM ANALYZE contacts'));
    log(
      `seeded ${CONTACTS.toLocaleString('en')} contacts in ${(seed.ms / 1000).toFixed(1)} s (INSERT … SELECT generate_series, chunks of ${SEED_CHUNK.toLocaleString('en')} rows, 2 sessions, all indexes in place); VACUUM ANALYZE ${(analyze.ms / 1000).toFixed(1)} s`,
    );

    // 2. Sizes: the service over HTTP against hand-written SQL, alternating, median of RUNS after a warm-up.
    sampler.reset();
    const results: (string | number)[][] = [];
    for (const tree of TREES) {
      const audience = await api<{ id: string }>(bench, 'POST', '/audiences', {
        lineAccountId: account.id,
        name: tree.name,
        definition: tree.definition,
      });
      type Size = { recipients: number; excluded: { blocked: number; unfollowed: number }; computedAt: string };
      const service = () => api<Size>(bench!, 'GET', `/audiences/${audience.id}/size`);
      const hand = (now: string) =>
        sql.query<{ following: number; blocked: number; unfollowed: number }>(
          `SELECT count(*) FILTER (WHERE c.status = 'following')::int AS following,
                  count(*) FILTER (WHERE c.status = 'blocked')::int AS blocked,
                  count(*) FILTER (WHERE c.status = 'unfollowed')::int AS unfollowed
             FROM contacts c WHERE c.line_account_id = $1 AND (${tree.handWritten})`,
          tree.handWritten.includes('$2') ? [account.id, now] : [account.id],
        );
      const warm = await service();
      await hand(warm.computedAt);
      const serviceMs: number[] = [];
      const handMs: number[] = [];
      let size = warm;
      let handCounts = (await hand(warm.computedAt)).rows[0];
      for (let run = 0; run < RUNS; run++) {
        const s = await timed(service);
        serviceMs.push(s.ms);
        size = s.value;
        const h = await timed(() => hand(size.computedAt));
        handMs.push(h.ms);
        handCounts = h.value.rows[0];
      }
      const agree =
        size.recipients === handCounts.following &&
        size.excluded.blocked === handCounts.blocked &&
        size.excluded.unfollowed === handCounts.unfollowed;
      if (!agree)
        log(`MISMATCH on "${tree.name}": service ${JSON.stringify(size)}, hand-written ${JSON.stringify(handCounts)}`);
      const s = median(serviceMs);
      const h = median(handMs);
      results.push([
        tree.name,
        size.recipients.toLocaleString('en'),
        `${size.excluded.blocked.toLocaleString('en')} / ${size.excluded.unfollowed.toLocaleString('en')}`,
        s.toFixed(0),
        h.toFixed(0),
        (s / h).toFixed(2),
        agree ? 'yes' : 'NO',
      ]);
    }
    const sizePeak = sampler.peak;
    console.log(
      `\nGET /audiences/:id/size on ${CONTACTS.toLocaleString('en')} contacts (median of ${RUNS}; service = HTTP round trip incl. auth)\n`,
    );
    console.log(
      table(
        ['tree', 'recipients', 'blocked / unfollowed', 'service ms', 'hand-written ms', 'ratio', 'same counts'],
        results,
      ),
    );
    console.log(`\nservice peak RSS while sizing: ${mib(sizePeak)} (the process: the service and this benchmark)\n`);
  } finally {
    sampler.stop();
    await sql.end().catch(() => undefined);
    await bench?.close();
    await database.close();
  }
}
