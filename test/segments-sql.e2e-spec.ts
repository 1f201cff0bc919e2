// The audience SQL against a real PostgreSQL: for random rule trees and random contacts, the compiled
// predicate selects exactly the contacts the in-memory evaluator matches; and hostile strings in
// every operand change answers, never statements.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { PoolClient } from 'pg';
import {
  AudienceRule,
  SegmentContact,
  compileRuleToSql,
  createRuleMatcher,
  validateAudienceRule,
} from '@lcm/domain/segments';
import {
  SEGMENT_NOW,
  attributeRuleArbitrary,
  contactShapeArbitrary,
  contactsArbitrary,
  nastyStringArbitrary,
  ruleArbitrary,
} from '@lcm/domain/segments/testing/segment.arbitraries';
import { createTestDatabase, insertLineAccount, TestDatabase } from './support/database';

const ACCOUNT = randomUUID();
const OTHER_ACCOUNT = randomUUID();
const AUDIENCE_BASE = '00000000-0000-4000-8000-00000000000a';
const AUDIENCE_DERIVED = '00000000-0000-4000-8000-00000000000b';

let database: TestDatabase;
let client: PoolClient;

beforeAll(async () => {
  database = await createTestDatabase();
  client = await database.pool.connect();
  // Not UTC, so that any reliance on the session's time zone (e.g. for date-only strings) shows up.
  await client.query(`SET TIME ZONE 'Asia/Taipei'`);
  for (const [id, name] of [
    [ACCOUNT, 'segments'],
    [OTHER_ACCOUNT, 'other'],
  ]) {
    await insertLineAccount(client, id, name);
  }
});

afterAll(async () => {
  client?.release();
  await database?.drop();
});

/** Replaces the table's contents: `contacts` on ACCOUNT, plus a copy on OTHER_ACCOUNT that must never match. */
async function loadContacts(contacts: readonly SegmentContact[], otherAccountCopies = 5): Promise<void> {
  await client.query('DELETE FROM contacts');
  const rows = [
    ...contacts.map((contact) => ({ account: ACCOUNT, contact })),
    ...contacts.slice(0, otherAccountCopies).map((contact) => ({ account: OTHER_ACCOUNT, contact })),
  ];
  if (rows.length === 0) return;
  const params: unknown[] = [];
  const values = rows.map(({ account, contact }) => {
    const at = params.length;
    params.push(
      randomUUID(),
      account,
      contact.lineUserId,
      contact.tags,
      JSON.stringify(contact.attributes),
      contact.status,
      contact.followedAt?.toISOString() ?? null,
      contact.lastInteractionAt?.toISOString() ?? null,
    );
    const p = (offset: number) => `$${at + offset}`;
    return `(${p(1)}::uuid, ${p(2)}::uuid, ${p(3)}, ${p(4)}::text[], ${p(5)}::jsonb, ${p(6)}::"ContactStatus", ${p(7)}::timestamptz, ${p(8)}::timestamptz)`;
  });
  await client.query(
    `INSERT INTO contacts (id, line_account_id, line_user_id, tags, attributes, status, followed_at, last_interaction_at) VALUES ${values.join(', ')}`,
    params,
  );
}

/** The LINE user ids the service's query selects, sorted. */
async function selectedBySql(
  rule: AudienceRule,
  resolveAudience?: (id: string) => AudienceRule | undefined,
): Promise<string[]> {
  const predicate = compileRuleToSql(rule, { alias: 'c', firstParam: 2, now: SEGMENT_NOW, resolveAudience });
  const { rows } = await client.query<{ line_user_id: string }>(
    `SELECT c.line_user_id FROM contacts c WHERE c.line_account_id = $1 AND c.status = 'following' AND (${predicate.sql})`,
    [ACCOUNT, ...predicate.params],
  );
  return rows.map((row) => row.line_user_id).sort();
}

function selectedByEvaluator(
  rule: AudienceRule,
  contacts: readonly SegmentContact[],
  resolveAudience?: (id: string) => AudienceRule | undefined,
): string[] {
  const matches = createRuleMatcher(rule, { now: SEGMENT_NOW, resolveAudience });
  return contacts
    .filter((contact) => contact.status === 'following' && matches(contact))
    .map((contact) => contact.lineUserId)
    .sort();
}

function difference(sql: string[], evaluator: string[]): string {
  const onlySql = sql.filter((id) => !evaluator.includes(id));
  const onlyEvaluator = evaluator.filter((id) => !sql.includes(id));
  return `SQL ${sql.length} vs evaluator ${evaluator.length}; only SQL: ${JSON.stringify(onlySql)}; only evaluator: ${JSON.stringify(onlyEvaluator)}`;
}

/** How often a comparison selected some but not all contacts: a property that only ever compares empty sets proves little. */
const selections = { compared: 0, partial: 0 };

async function expectSameSelection(
  rule: AudienceRule,
  contacts: readonly SegmentContact[],
  resolveAudience?: (id: string) => AudienceRule | undefined,
): Promise<void> {
  const sql = await selectedBySql(rule, resolveAudience);
  const evaluator = selectedByEvaluator(rule, contacts, resolveAudience);
  selections.compared += 1;
  const following = contacts.filter((contact) => contact.status === 'following').length;
  if (evaluator.length > 0 && evaluator.length < following) selections.partial += 1;
  if (sql.join() !== evaluator.join()) {
    const byId = new Map(contacts.map((contact) => [contact.lineUserId, contact]));
    const differing = [...sql, ...evaluator]
      .filter((id) => !(sql.includes(id) && evaluator.includes(id)))
      .map((id) => byId.get(id));
    throw new Error(
      `${difference(sql, evaluator)}\nrule: ${JSON.stringify(rule)}\ncontacts that differ: ${JSON.stringify(differing)}`,
    );
  }
}

describe('audience SQL against PostgreSQL', () => {
  it('selects exactly what the evaluator matches, for random trees and contacts (property)', async () => {
    selections.compared = selections.partial = 0;
    // Two stored audiences: the base one references nothing, the derived one may reference the base.
    const storedAudiences = fc.tuple(
      ruleArbitrary({ depth: 2, allowEmpty: true }),
      ruleArbitrary({ depth: 2, allowEmpty: true, audienceIds: [AUDIENCE_BASE] }),
    );
    await fc.assert(
      fc.asyncProperty(
        contactsArbitrary({ minLength: 20, maxLength: 50 }),
        storedAudiences,
        fc.array(ruleArbitrary({ depth: 4, allowEmpty: true, audienceIds: [AUDIENCE_BASE, AUDIENCE_DERIVED] }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (contacts, [base, derived], rules) => {
          const audiences = new Map([
            [AUDIENCE_BASE, base],
            [AUDIENCE_DERIVED, derived],
          ]);
          await loadContacts(contacts);
          for (const rule of rules) await expectSameSelection(rule, contacts, (id) => audiences.get(id));
        },
      ),
      { numRuns: 250 },
    );
    expect(selections.partial / selections.compared).toBeGreaterThan(0.2);
  });

  it('the count(*) form the service runs agrees with the evaluator', async () => {
    const contacts = fc.sample(contactsArbitrary({ minLength: 40, maxLength: 40 }), { numRuns: 1, seed: 42 })[0];
    await loadContacts(contacts);
    const rules = fc.sample(ruleArbitrary({ depth: 4 }), { numRuns: 30, seed: 7 });
    for (const rule of rules) {
      const predicate = compileRuleToSql(rule, { alias: 'c', firstParam: 2, now: SEGMENT_NOW });
      const { rows } = await client.query<{ count: string }>(
        `SELECT count(*) FROM contacts c WHERE c.line_account_id = $1 AND c.status = 'following' AND (${predicate.sql})`,
        [ACCOUNT, ...predicate.params],
      );
      expect(Number(rows[0].count)).toBe(selectedByEvaluator(rule, contacts).length);
    }
  });

  it('hostile strings in every operand change answers, never statements (fuzz)', async () => {
    selections.compared = selections.partial = 0;
    // Tags, attribute names and values, and LINE user ids all come from the same hostile pool, so that
    // rules match often. Rules are compiled without validation: the SQL must be safe on its own.
    const pool = fc.uniqueArray(nastyStringArbitrary, { minLength: 3, maxLength: 10 });
    const scenario = pool.chain((strings) => {
      const pick = fc.constantFrom(...strings);
      const leaf = fc.oneof(
        fc.record({ tag: pick }),
        fc.record({ attribute: pick, op: fc.constantFrom('eq' as const, 'neq' as const), value: pick }),
        fc.record({
          attribute: pick,
          op: fc.constant('in' as const),
          value: fc.array(pick, { minLength: 1, maxLength: 3 }),
        }),
        attributeRuleArbitrary(pick),
        fc.record({ list: fc.array(pick, { minLength: 1, maxLength: 4 }) }),
      );
      const contacts = fc
        .uniqueArray(
          fc.tuple(
            pick,
            contactShapeArbitrary({
              tags: pick,
              names: pick,
              values: fc.oneof(pick, fc.constantFrom<unknown>(5, null, true)),
            }),
          ),
          { selector: ([lineUserId]) => lineUserId, minLength: 1, maxLength: 10 },
        )
        .map((entries) => entries.map(([lineUserId, shape]): SegmentContact => ({ ...shape, lineUserId })));
      return fc.tuple(contacts, fc.array(ruleArbitrary({ depth: 3, leaf }), { minLength: 1, maxLength: 4 }));
    });

    await fc.assert(
      fc.asyncProperty(scenario, async ([contacts, rules]) => {
        await loadContacts(contacts, contacts.length);
        for (const rule of rules) {
          await expectSameSelection(rule, contacts);
          // What the validator accepts compiles to the same answers (it may refuse names and ids).
          const validated = validateAudienceRule(rule);
          if (validated.ok) await expectSameSelection(validated.rule, contacts);
        }
        const { rows } = await client.query<{ table: string | null; count: string }>(
          `SELECT to_regclass('public.contacts')::text AS table, (SELECT count(*) FROM contacts) AS count`,
        );
        expect(rows[0]).toEqual({ table: 'contacts', count: String(contacts.length * 2) });
      }),
      { numRuns: 200 },
    );
    expect(selections.partial / selections.compared).toBeGreaterThan(0.1);
  });

  it('tappedPostback selects exactly what the evaluator matches: campaign, label, window, account (property)', async () => {
    selections.compared = selections.partial = 0;
    const campaigns = ['00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000c2'];
    const labels = ['coupon', 'later', 'menu'];
    const tap = fc.record({
      campaignId: fc.constantFrom(...campaigns),
      label: fc.constantFrom(...labels),
      // Around the cutoffs of 1 to 20 days, the cutoff instants themselves included.
      tappedAt: fc.oneof(
        fc.integer({ min: -21 * 24, max: 2 }).map((hours) => new Date(SEGMENT_NOW.getTime() + hours * 3_600_000)),
        fc.integer({ min: 1, max: 20 }).map((days) => new Date(SEGMENT_NOW.getTime() - days * 86_400_000)),
      ),
    });
    const contactsWithTaps = contactsArbitrary({ minLength: 10, maxLength: 25 }).chain((contacts) =>
      fc
        .tuple(...contacts.map(() => fc.array(tap, { maxLength: 3 })))
        .map((taps) => contacts.map((contact, index) => ({ ...contact, postbackTaps: taps[index] }))),
    );
    const tappedRule = fc
      .record(
        {
          campaign: fc.constantFrom(...campaigns),
          label: fc.constantFrom(...labels),
          withinDays: fc.integer({ min: 1, max: 20 }),
        },
        { requiredKeys: ['campaign', 'withinDays'] },
      )
      .map((tappedPostback): AudienceRule => ({ tappedPostback }));
    const rule = fc.oneof(
      tappedRule,
      fc.record({ not: tappedRule }),
      fc.record({ any: fc.array(tappedRule, { minLength: 1, maxLength: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(contactsWithTaps, fc.array(rule, { minLength: 1, maxLength: 4 }), async (contacts, rules) => {
        await loadContacts(contacts);
        await client.query('DELETE FROM postback_taps');
        let event = 0;
        for (const contact of contacts)
          for (const { campaignId, label, tappedAt } of contact.postbackTaps ?? [])
            for (const account of [ACCOUNT, OTHER_ACCOUNT]) {
              // The other account's copy of the tap is fresh and of every label: it must never count here.
              await client.query(
                `INSERT INTO postback_taps (id, line_account_id, line_user_id, campaign_id, label, webhook_event_id, tapped_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
                [
                  randomUUID(),
                  account,
                  contact.lineUserId,
                  campaignId,
                  account === ACCOUNT ? label : labels[event % 3],
                  `e${++event}`,
                  account === ACCOUNT ? tappedAt : SEGMENT_NOW,
                ],
              );
            }
        for (const candidate of rules) {
          const validated = validateAudienceRule(candidate);
          expect(validated.ok).toBe(true);
          if (validated.ok) await expectSameSelection(validated.rule, contacts);
        }
      }),
      { numRuns: 40 },
    );
    expect(selections.partial / selections.compared).toBeGreaterThan(0.2);
  });

  it('a cast never fails on odd stored data, and comparisons pick only real numbers and ISO dates', async () => {
    const storedValues: unknown[] = [
      'abc',
      '12',
      12,
      '2023-02-29', // no such day
      '2024-02-29',
      '9999-12-31T23:59:59.999999-14:59', // after 9999 in UTC
      '0001-01-01T00:00+14:00', // before year 1 in UTC
      '2024-01-01T00:00:00.0000001Z', // 7 fraction digits
      '2024-01-01T24:00:00Z',
      { nested: 1 },
      [1, 2],
      null,
      1e300,
      -1e-300,
    ];
    const contacts: SegmentContact[] = storedValues.map((value, index) => ({
      lineUserId: `U${String(index).padStart(32, '0')}`,
      tags: null,
      attributes: { value },
      status: 'following',
      followedAt: null,
      lastInteractionAt: null,
    }));
    const idsOf = (...values: unknown[]) =>
      values.map((value) => contacts[storedValues.indexOf(value)].lineUserId).sort();
    await loadContacts(contacts);
    const rules: AudienceRule[] = [
      { attribute: 'value', op: 'gt', value: 0 },
      { attribute: 'value', op: 'lte', value: 12 },
      { attribute: 'value', op: 'gte', value: '0001-01-01' },
      { attribute: 'value', op: 'lt', value: '2024-03-01' },
      { not: { attribute: 'value', op: 'gt', value: '2000-01-01T00:00:00Z' } },
      { attribute: 'value', op: 'exists' },
      { attribute: 'value', op: 'exists', value: false },
      { attribute: 'value', op: 'neq', value: 'abc' },
      { attribute: 'value', op: 'in', value: [12, '12', 'abc'] },
    ];
    for (const rule of rules) await expectSameSelection(rule, contacts);
    expect(await selectedBySql({ attribute: 'value', op: 'gte', value: 0 })).toEqual(idsOf(12, 1e300));
    expect(await selectedBySql({ attribute: 'value', op: 'lte', value: '9999-12-31T23:59:59.999999Z' })).toEqual(
      idsOf('2024-02-29', '0001-01-01T00:00+14:00'),
    );
  });

  it('a rule whose audiences form a cycle is refused before any SQL runs', () => {
    const audiences = new Map<string, AudienceRule>([
      [AUDIENCE_BASE, { any: [{ tag: 'vip' }, { audience: AUDIENCE_DERIVED }] }],
      [AUDIENCE_DERIVED, { audience: AUDIENCE_BASE }],
    ]);
    expect(() =>
      compileRuleToSql({ audience: AUDIENCE_BASE }, { now: SEGMENT_NOW, resolveAudience: (id) => audiences.get(id) }),
    ).toThrow(/cycle/);
  });
});
