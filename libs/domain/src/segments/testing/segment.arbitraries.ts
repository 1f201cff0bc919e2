// Test-only fast-check generators (imported by *.spec.ts and test/segments-sql.e2e-spec.ts; not
// exported from the package index). A small fixed vocabulary keeps matches common, and the values
// sit on the edges of the semantics: types that look alike ("5" vs 5), dates that are not quite
// ISO, instants equal across offsets, times exactly on a window's cutoff.
import fc from 'fast-check';
import { AttributeRule, AudienceRule, SegmentContact, SegmentContactStatus } from '../rule.types';

export const SEGMENT_NOW = new Date('2026-11-15T03:00:00.000Z');
const DAY = 86_400_000;

export const SEGMENT_TAGS = ['vip', 'VIP', 'new', 'churned'] as const;
export const SEGMENT_ATTRIBUTE_NAMES = ['city', 'age', 'joined', 'plan.tier', '__proto__'] as const;
export const SEGMENT_WINDOW_DAYS = [1, 7, 30, 365] as const;

export const lineUserIdOf = (index: number): string => `U${index.toString(16).padStart(32, '0')}`;
/** The first contacts' ids, which list rules pick from. */
export const SEGMENT_LIST_POOL = Array.from({ length: 12 }, (_, index) => lineUserIdOf(index));

const DATE_BOUNDS = [
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  '2023-12-31T16:00:00-08:00', // the same instant as the two above
  '2024-01-01T00:00:00.000001Z',
  '2024-01-01T00:00:00.00001Z', // fewer than 6 fraction digits: ten microseconds
  '2024-02-29T23:59:59.999999+14:00',
  '0099-06-01',
] as const;

/** Values stored in contacts' attributes: every JSON type, ISO and almost-ISO strings. */
const STORED_VALUES: readonly unknown[] = [
  'Taipei',
  'taipei',
  'Tokyo',
  '',
  '5',
  'true',
  ...DATE_BOUNDS,
  '2024-01-01T08:00+08:00',
  '2023-12-31T23:59:59.999999Z',
  '2024-01-01T00:00:00.000005Z',
  '2024-01-01T00:00:00.5Z',
  '2024-02-29',
  '2023-02-29', // no such day: not a date
  '2024-01-01 00:00:00Z', // space, not T: not in the grammar
  '2024-01-01T00:00:00.0000001Z', // 7 fraction digits: not in the grammar
  '2024-13-01',
  '2024-01-01T24:00:00Z',
  '2024-06-30T12:00:00-14:59',
  0,
  5,
  -1,
  2.5,
  100,
  1e21,
  0.1,
  0.30000000000000004,
  true,
  false,
  null,
  ['Taipei'],
  [],
  { city: 'Taipei' },
];

const RULE_SCALARS = ['Taipei', 'taipei', 'Tokyo', '', '5', 5, 0, 2.5, 0.1, 1e21, true, false, '2024-01-01'] as const;
const RANGE_BOUNDS = [0, 5, 2.5, -1, 1e21, 0.1, ...DATE_BOUNDS] as const;

const scalarArbitrary = fc.constantFrom(...RULE_SCALARS);

export const attributeRuleArbitrary = (
  names: fc.Arbitrary<string> = fc.constantFrom(...SEGMENT_ATTRIBUTE_NAMES),
): fc.Arbitrary<AttributeRule> =>
  fc.oneof(
    fc.record({ attribute: names, op: fc.constantFrom('eq' as const, 'neq' as const), value: scalarArbitrary }),
    fc.record({
      attribute: names,
      op: fc.constant('in' as const),
      value: fc.array(scalarArbitrary, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      attribute: names,
      op: fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
      value: fc.constantFrom<number | string>(...RANGE_BOUNDS),
    }),
    fc.oneof(
      fc.record({ attribute: names, op: fc.constant('exists' as const) }),
      fc.record({ attribute: names, op: fc.constant('exists' as const), value: fc.boolean() }),
    ),
  );

export interface RuleArbitraryOptions {
  /** Levels, the root included. */
  depth: number;
  /** Ids `audience` nodes may reference. */
  audienceIds?: readonly string[];
  /**
   * Also generate empty `all` (valid: match-all) and `any` (refused by the validator, defined by the
   * evaluator and SQL); `'all'` generates empty `all` only, so every tree is valid.
   */
  allowEmpty?: boolean | 'all';
  /** Leaves to use instead of the default vocabulary's. */
  leaf?: fc.Arbitrary<AudienceRule>;
}

export const leafRuleArbitrary = (audienceIds: readonly string[] = []): fc.Arbitrary<AudienceRule> => {
  const leaves: fc.Arbitrary<AudienceRule>[] = [
    fc.record({ tag: fc.constantFrom(...SEGMENT_TAGS) }),
    attributeRuleArbitrary(),
    attributeRuleArbitrary(),
    fc.record({ followedWithinDays: fc.constantFrom(...SEGMENT_WINDOW_DAYS) }),
    fc.record({ interactedWithinDays: fc.constantFrom(...SEGMENT_WINDOW_DAYS) }),
    fc.record({ list: fc.subarray(SEGMENT_LIST_POOL, { minLength: 1, maxLength: 6 }) }),
  ];
  if (audienceIds.length > 0) leaves.push(fc.record({ audience: fc.constantFrom(...audienceIds) }));
  return fc.oneof(...leaves);
};

export const ruleArbitrary = (options: RuleArbitraryOptions): fc.Arbitrary<AudienceRule> => {
  const leaf = options.leaf ?? leafRuleArbitrary(options.audienceIds);
  if (options.depth <= 1) return leaf;
  const child = ruleArbitrary({ ...options, depth: options.depth - 1 });
  const children = (mayBeEmpty: boolean) => fc.array(child, { minLength: mayBeEmpty ? 0 : 1, maxLength: 3 });
  return fc.oneof(
    { arbitrary: leaf, weight: 2 },
    { arbitrary: children(Boolean(options.allowEmpty)).map((all): AudienceRule => ({ all })), weight: 2 },
    { arbitrary: children(options.allowEmpty === true).map((any): AudienceRule => ({ any })), weight: 2 },
    { arbitrary: child.map((not): AudienceRule => ({ not })), weight: 1 },
  );
};

/** Instants around the windows' cutoffs (exactly on, 1 ms either side), anywhere in the last 400 days, or later than now. */
export const instantArbitrary: fc.Arbitrary<Date | null> = fc.oneof(
  fc.constant(null),
  fc
    .tuple(fc.constantFrom(...SEGMENT_WINDOW_DAYS), fc.constantFrom(-1, 0, 1))
    .map(([days, nudge]) => new Date(SEGMENT_NOW.getTime() - days * DAY + nudge)),
  fc.integer({ min: -400 * DAY, max: 2 * DAY }).map((offset) => new Date(SEGMENT_NOW.getTime() + offset)),
);

export interface ContactShape {
  tags: readonly string[] | null;
  attributes: Record<string, unknown>;
  status: SegmentContactStatus;
  followedAt: Date | null;
  lastInteractionAt: Date | null;
}

export const contactShapeArbitrary = (
  options: { tags?: fc.Arbitrary<string>; names?: fc.Arbitrary<string>; values?: fc.Arbitrary<unknown> } = {},
): fc.Arbitrary<ContactShape> =>
  fc.record({
    tags: fc.option(fc.uniqueArray(options.tags ?? fc.constantFrom(...SEGMENT_TAGS), { maxLength: 3 }), {
      nil: null,
      freq: 5,
    }),
    // Object.fromEntries defines own properties, so even "__proto__" is an ordinary key.
    attributes: fc
      .array(
        fc.tuple(
          options.names ?? fc.constantFrom(...SEGMENT_ATTRIBUTE_NAMES),
          options.values ?? fc.constantFrom(...STORED_VALUES),
        ),
        {
          maxLength: 4,
        },
      )
      .map((entries) => Object.fromEntries(entries)),
    status: fc.constantFrom<SegmentContactStatus>('following', 'following', 'following', 'blocked', 'unfollowed'),
    followedAt: instantArbitrary,
    lastInteractionAt: instantArbitrary,
  });

/** Contacts with distinct LINE user ids: the n-th has lineUserIdOf(n). */
export const contactsArbitrary = (options: { minLength?: number; maxLength: number }): fc.Arbitrary<SegmentContact[]> =>
  fc
    .array(contactShapeArbitrary(), { minLength: options.minLength ?? 0, maxLength: options.maxLength })
    .map((shapes) => shapes.map((shape, index) => ({ ...shape, lineUserId: lineUserIdOf(index) })));

/**
 * Strings that break naive SQL, LIKE patterns, JSON, array literals and regexes; all NUL-free and
 * well-formed (PostgreSQL cannot store anything else).
 */
export const NASTY_STRINGS = [
  "'",
  "''",
  '"',
  '\\',
  '\\\\',
  "\\'",
  "'); DROP TABLE contacts; --",
  "x' OR '1'='1",
  "Robert'); DELETE FROM contacts; --",
  '$1',
  '$2::text',
  '$$',
  '$tag$',
  '%',
  '_',
  '%_%',
  '\\%',
  '{',
  '}',
  '{"a",NULL}',
  '{"a":1}',
  '[1,2]',
  ',',
  'NULL',
  'null',
  'true',
  '5',
  '1e5',
  '',
  ' ',
  '\t\n\r',
  '?',
  '?|',
  '->',
  '::text',
  '/*',
  '*/',
  '--',
  ';',
  'é',
  'e\u0301',
  '日本語',
  '🎉',
  '\u200b',
  '\u2028',
  '\\u0000',
  '^.*$',
  '(?:',
  'ARRAY[1]',
  '2024-01-01',
  '2024-01-01T00:00:00Z',
] as const;

const WELL_FORMED = /^(?:[^\uD800-\uDFFF\u0000]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

/** A nasty string, or a random one of any Unicode (NUL-free, well-formed). */
export const nastyStringArbitrary: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).filter((text) => WELL_FORMED.test(text)), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).filter((text) => WELL_FORMED.test(text)), weight: 1 },
);
