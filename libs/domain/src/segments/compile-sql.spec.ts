import fc from 'fast-check';
import { compileRuleToSql } from './compile-sql';
import { AttributeScalar, AudienceRule, AudienceRuleError } from './rule.types';
import { NASTY_STRINGS, SEGMENT_NOW, nastyStringArbitrary, ruleArbitrary } from './testing/segment.arbitraries';

const NOW = SEGMENT_NOW;
const compile = (rule: AudienceRule, firstParam = 1) => compileRuleToSql(rule, { now: NOW, firstParam });

/** Every string operand of a tree, changed by `rename`; numbers negated, booleans flipped; the shape kept. */
function mapOperands(rule: AudienceRule, rename: (text: string) => string): AudienceRule {
  const scalar = (value: AttributeScalar): AttributeScalar =>
    typeof value === 'string' ? rename(value) : typeof value === 'number' ? -value : !value;
  if ('all' in rule) return { all: rule.all.map((child) => mapOperands(child, rename)) };
  if ('any' in rule) return { any: rule.any.map((child) => mapOperands(child, rename)) };
  if ('not' in rule) return { not: mapOperands(rule.not, rename) };
  if ('tag' in rule) return { tag: rename(rule.tag) };
  if ('list' in rule) return { list: rule.list.map(rename) };
  if ('followedWithinDays' in rule) return { followedWithinDays: rule.followedWithinDays + 1 };
  if ('interactedWithinDays' in rule) return { interactedWithinDays: rule.interactedWithinDays + 1 };
  if ('audience' in rule) return rule;
  if ('tappedPostback' in rule)
    return { tappedPostback: { ...rule.tappedPostback, withinDays: rule.tappedPostback.withinDays + 1 } };
  const attribute = rename(rule.attribute);
  switch (rule.op) {
    case 'eq':
    case 'neq':
      return { attribute, op: rule.op, value: scalar(rule.value) };
    case 'in':
      return { attribute, op: rule.op, value: rule.value.map(scalar) };
    case 'exists':
      // true and false compile differently: the flag is shape, not data.
      return rule.value === undefined ? { attribute, op: rule.op } : { attribute, op: rule.op, value: rule.value };
    default:
      // Range bounds keep their kind (number or date), which is all the SQL text depends on.
      return {
        attribute,
        op: rule.op,
        value: typeof rule.value === 'number' ? -rule.value : rule.value === '2024-01-01' ? '1999-12-31' : '2024-01-01',
      };
  }
}

/** The SQL with our own string literals taken out: what is left must hold no quote at all. */
function withoutOwnLiterals(sql: string): string {
  return sql.replace(/'(null|number)'/g, '');
}

const hostileLeaf: fc.Arbitrary<AudienceRule> = fc.oneof(
  fc.record({ tag: nastyStringArbitrary }),
  fc.record({
    attribute: nastyStringArbitrary,
    op: fc.constantFrom('eq' as const, 'neq' as const),
    value: nastyStringArbitrary,
  }),
  fc.record({
    attribute: nastyStringArbitrary,
    op: fc.constant('in' as const),
    value: fc.array(nastyStringArbitrary, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    attribute: nastyStringArbitrary,
    op: fc.constantFrom('gt' as const, 'lte' as const),
    value: fc.constantFrom(5, '2024-01-01T00:00:00Z'),
  }),
  fc.record({ attribute: nastyStringArbitrary, op: fc.constant('exists' as const), value: fc.boolean() }),
  fc.record({ list: fc.array(nastyStringArbitrary, { minLength: 1, maxLength: 3 }) }),
);

describe('compileRuleToSql', () => {
  it('tappedPostback: EXISTS over postback_taps of the same account and user, every value a placeholder', () => {
    const campaign = '0b6a4c1e-8f3d-4d2a-9c4b-5e6f7a8b9c0d';
    expect(compile({ tappedPostback: { campaign, label: "yes'--", withinDays: 7 } }, 2)).toEqual({
      sql:
        'EXISTS (SELECT 1 FROM postback_taps c_tap WHERE c_tap.line_account_id = c.line_account_id' +
        ' AND c_tap.line_user_id = c.line_user_id AND c_tap.campaign_id = $3::uuid AND c_tap.label = $4::text' +
        ' AND c_tap.tapped_at >= $2::timestamptz)',
      params: [new Date(NOW.getTime() - 7 * 86_400_000).toISOString(), campaign, "yes'--"],
    });
    expect(compile({ tappedPostback: { campaign, withinDays: 1 } }).sql).not.toContain('label');
  });

  describe('keeps every value out of the SQL text', () => {
    it('marked values appear only in params', () => {
      const mark = (text: string) => `\u00a7${text}`;
      fc.assert(
        fc.property(ruleArbitrary({ depth: 4, leaf: hostileLeaf }), (rule) => {
          const { sql, params } = compile(mapOperands(rule, mark));
          expect(sql).not.toContain('\u00a7');
          expect(withoutOwnLiterals(sql)).not.toContain("'");
          expect(JSON.stringify(params)).toContain('\u00a7');
        }),
      );
    });

    it('the text depends only on the shape of the tree (property)', () => {
      fc.assert(
        fc.property(ruleArbitrary({ depth: 4, leaf: hostileLeaf }), (rule) => {
          const renamed = compile(mapOperands(rule, (text) => `renamed:${text}`));
          const original = compile(rule);
          expect(renamed.sql).toBe(original.sql);
          expect(renamed.params).not.toEqual(original.params);
        }),
      );
    });

    it('injection attempts are placeholders', () => {
      const { sql, params } = compile({
        any: NASTY_STRINGS.map((text) => ({ attribute: text, op: 'eq' as const, value: text })),
      });
      expect(sql).not.toMatch(/DROP|DELETE/);
      expect(params).toContain(
        `{${JSON.stringify("'); DROP TABLE contacts; --")}:${JSON.stringify("'); DROP TABLE contacts; --")}}`,
      );
    });
  });

  describe('numbers placeholders', () => {
    it('from firstParam, contiguously, each used, with a cast', () => {
      fc.assert(
        fc.property(ruleArbitrary({ depth: 4 }), fc.integer({ min: 1, max: 40 }), (rule, firstParam) => {
          const { sql, params } = compile(rule, firstParam);
          const used = new Set([...sql.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
          const expected = params.map((_, index) => firstParam + index);
          expect([...used].sort((a, b) => a - b)).toEqual(expected);
          expect(sql.match(/\$\d+(?!\d)(?!::)/g)).toBeNull();
        }),
      );
    });

    it('reuses one placeholder for a repeated value of one type', () => {
      const { sql, params } = compile({
        all: [
          { tag: 'city' },
          { attribute: 'city', op: 'gt', value: 3 },
          { attribute: 'city', op: 'lt', value: 9 },
          { tag: 'city' },
        ],
      });
      expect(params).toEqual(['city', '3', '9']);
      expect(sql).toContain('$1::text');
    });
  });

  describe('index-friendly, NULL-free forms', () => {
    it.each<[string, AudienceRule, string, unknown[]]>([
      ['tag', { tag: 'vip' }, '(c.tags IS NOT NULL AND c.tags @> ARRAY[$1::text])', ['vip']],
      [
        'eq by containment',
        { attribute: 'city', op: 'eq', value: 'Taipei' },
        'c.attributes @> $1::jsonb',
        ['{"city":"Taipei"}'],
      ],
      ['eq a number', { attribute: 'age', op: 'eq', value: 30 }, 'c.attributes @> $1::jsonb', ['{"age":30}']],
      [
        'neq',
        { attribute: 'city', op: 'neq', value: 'Taipei' },
        "COALESCE(jsonb_typeof((c.attributes -> $1::text)) <> 'null' AND NOT (c.attributes @> $2::jsonb), false)",
        ['city', '{"city":"Taipei"}'],
      ],
      [
        'in',
        { attribute: 'age', op: 'in', value: [30, '30', true] },
        'COALESCE((c.attributes -> $1::text) = ANY($2::jsonb[]), false)',
        ['age', '{"30","\\"30\\"","true"}'],
      ],
      [
        'exists',
        { attribute: 'city', op: 'exists' },
        "COALESCE(jsonb_typeof((c.attributes -> $1::text)) <> 'null', false)",
        ['city'],
      ],
      [
        'exists false',
        { attribute: 'city', op: 'exists', value: false },
        "(NOT COALESCE(jsonb_typeof((c.attributes -> $1::text)) <> 'null', false))",
        ['city'],
      ],
      [
        'a numeric range casts only numbers',
        { attribute: 'age', op: 'gte', value: 1e21 },
        "(CASE WHEN jsonb_typeof((c.attributes -> $1::text)) = 'number' THEN (c.attributes -> $1::text)::numeric >= $2::numeric ELSE false END)",
        ['age', '1e+21'],
      ],
      [
        'a time window as a column range',
        { followedWithinDays: 30 },
        '(c.followed_at IS NOT NULL AND c.followed_at >= $1::timestamptz)',
        [new Date(NOW.getTime() - 30 * 86_400_000).toISOString()],
      ],
      [
        'the interaction window',
        { interactedWithinDays: 1 },
        '(c.last_interaction_at IS NOT NULL AND c.last_interaction_at >= $1::timestamptz)',
        ['2026-11-14T03:00:00.000Z'],
      ],
      ['list', { list: [`U${'0'.repeat(32)}`] }, 'c.line_user_id = ANY($1::text[])', [`{"U${'0'.repeat(32)}"}`]],
      ['empty all', { all: [] }, 'TRUE', []],
      ['empty any', { any: [] }, 'FALSE', []],
      ['not', { not: { tag: 'vip' } }, '(NOT (c.tags IS NOT NULL AND c.tags @> ARRAY[$1::text]))', ['vip']],
    ])('%s', (_, rule, sql, params) => {
      expect(compile(rule)).toEqual({ sql, params });
    });

    it('a date range compares the instants PostgreSQL derived at write time, in exact epoch seconds', () => {
      const { sql, params } = compile({ attribute: 'joined', op: 'lt', value: '2024-01-01' });
      expect(sql).toBe('COALESCE((c.attribute_instants -> $1::text)::numeric < $2::numeric, false)');
      expect(params).toEqual(['joined', '1704067200.000000']);
      expect(compile({ attribute: 'joined', op: 'gte', value: '2024-01-01T08:00:00.5+08:00' }).params).toEqual([
        'joined',
        '1704067200.500000',
      ]);
      expect(compile({ attribute: 'joined', op: 'gt', value: '1969-12-31T23:59:59.5Z' }).params).toEqual([
        'joined',
        '-0.500000',
      ]);
      expect(() => compile({ attribute: 'joined', op: 'gt', value: '2023-02-29' })).toThrow(TypeError);
    });

    it('combinators are parenthesized, so the caller can AND them in', () => {
      expect(compile({ any: [{ tag: 'a' }, { all: [{ tag: 'b' }, { tag: 'c' }] }] }).sql).toBe(
        '((c.tags IS NOT NULL AND c.tags @> ARRAY[$1::text]) OR ((c.tags IS NOT NULL AND c.tags @> ARRAY[$2::text]) AND (c.tags IS NOT NULL AND c.tags @> ARRAY[$3::text])))',
      );
    });

    it('uses the alias given', () => {
      expect(compileRuleToSql({ tag: 'vip' }, { now: NOW, alias: 'contact' }).sql).toBe(
        '(contact.tags IS NOT NULL AND contact.tags @> ARRAY[$1::text])',
      );
      expect(() => compileRuleToSql({ tag: 'vip' }, { now: NOW, alias: 'c; DROP' })).toThrow(RangeError);
      expect(() => compileRuleToSql({ tag: 'vip' }, { now: NOW, firstParam: 0 })).toThrow(RangeError);
      expect(() => compileRuleToSql({ tag: 'vip' }, { now: new Date(Number.NaN) })).toThrow(RangeError);
    });

    it('passes arrays as PostgreSQL array literals, escaped, so every param is a string', () => {
      expect(compile({ list: ['a"b', 'c\\d', 'NULL', '{,}', ''] }).params).toEqual([
        '{"a\\"b","c\\\\d","NULL","{,}",""}',
      ]);
      fc.assert(
        fc.property(ruleArbitrary({ depth: 3, leaf: hostileLeaf }), (rule) => {
          expect(compile(rule).params.every((param) => typeof param === 'string')).toBe(true);
        }),
      );
    });

    it('"__proto__" is kept as an attribute name', () => {
      expect(compile({ attribute: '__proto__', op: 'eq', value: 1 }).params).toEqual(['{"__proto__":1}']);
    });
  });

  describe('audience references', () => {
    const A = '00000000-0000-4000-8000-00000000000a';
    const B = '00000000-0000-4000-8000-00000000000b';

    it('are inlined', () => {
      const audiences = new Map<string, AudienceRule>([
        [A, { tag: 'vip' }],
        [B, { not: { audience: A } }],
      ]);
      const { sql, params } = compileRuleToSql(
        { all: [{ audience: B }, { audience: A }] },
        { now: NOW, resolveAudience: (id) => audiences.get(id) },
      );
      expect(sql).toBe(
        '((NOT (c.tags IS NOT NULL AND c.tags @> ARRAY[$1::text])) AND (c.tags IS NOT NULL AND c.tags @> ARRAY[$1::text]))',
      );
      expect(params).toEqual(['vip']);
    });

    it('refuse cycles, unknown audiences and runaway expansion', () => {
      const cyclic = new Map<string, AudienceRule>([
        [A, { any: [{ tag: 'x' }, { audience: B }] }],
        [B, { audience: A }],
      ]);
      const compileWith =
        (audiences: Map<string, AudienceRule>, rule: AudienceRule = { audience: A }) =>
        () =>
          compileRuleToSql(rule, { now: NOW, resolveAudience: (id) => audiences.get(id) });
      expect(compileWith(cyclic)).toThrow(expect.objectContaining({ code: 'audience_cycle', audienceIds: [A, B, A] }));
      expect(compileWith(new Map([[A, { audience: A }]]))).toThrow(
        expect.objectContaining({ code: 'audience_cycle', audienceIds: [A, A] }),
      );
      expect(compileWith(new Map())).toThrow(expect.objectContaining({ code: 'unknown_audience', audienceIds: [A] }));
      expect(() => compile({ audience: A })).toThrow(AudienceRuleError);
      // Each level doubles: 2^20 leaves if expanded.
      const ids = Array.from({ length: 20 }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
      const doubling = new Map<string, AudienceRule>(
        ids.map((id, n) => [
          id,
          n === 0 ? { tag: 'x' } : { any: [{ audience: ids[n - 1] }, { audience: ids[n - 1] }] },
        ]),
      );
      expect(compileWith(doubling, { audience: ids[19] })).toThrow(expect.objectContaining({ code: 'rule_too_large' }));
    });
  });
});
