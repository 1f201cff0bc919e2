import fc from 'fast-check';
import { AUDIENCE_RULE_LIMITS } from './rule.types';
import { ruleArbitrary } from './testing/segment.arbitraries';
import { assertValidAudienceRule, validateAudienceRule } from './validate-rule';

const USER = (n: number) => `U${n.toString(16).padStart(32, '0')}`;
const AUDIENCE_ID = '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';

function problemsOf(input: unknown, path?: string) {
  const result = validateAudienceRule(input, path);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.errors;
}

function nestedNots(levels: number): unknown {
  let rule: unknown = { tag: 'vip' };
  for (let level = 1; level < levels; level++) rule = { not: rule };
  return rule;
}

describe('validateAudienceRule', () => {
  describe('accepts', () => {
    it.each<[string, unknown]>([
      ['a tag', { tag: 'vip' }],
      [
        'every attribute op',
        {
          all: [
            { attribute: 'city', op: 'eq', value: 'Taipei' },
            { attribute: 'city', op: 'neq', value: '' },
            { attribute: 'age', op: 'in', value: ['30', 30, true] },
            { attribute: 'age', op: 'gt', value: 30 },
            { attribute: 'score', op: 'lte', value: -2.5 },
            { attribute: 'joined', op: 'gte', value: '2024-01-01' },
            { attribute: 'joined', op: 'lt', value: '2024-01-01T08:00:00.123456+08:00' },
            { attribute: 'plan.tier-2_x', op: 'exists' },
            { attribute: 'opt_out', op: 'exists', value: false },
          ],
        },
      ],
      ['time windows', { any: [{ followedWithinDays: 1 }, { interactedWithinDays: 36_500 }] }],
      ['a reference and a list', { all: [{ audience: AUDIENCE_ID }, { not: { list: [USER(1), USER(2)] } }] }],
      ['32 levels', nestedNots(AUDIENCE_RULE_LIMITS.maxDepth)],
      [
        'lists of 10,000 ids in total',
        {
          any: [
            { list: Array.from({ length: 4000 }, (_, n) => USER(n)) },
            { list: Array.from({ length: 6000 }, (_, n) => USER(n)) },
          ],
        },
      ],
    ])('%s', (_, input) => {
      const result = validateAudienceRule(input);
      expect(result).toEqual({ ok: true, rule: input });
    });

    it('returns fresh objects, with audience ids in lower case', () => {
      const input = { all: [{ audience: AUDIENCE_ID.toUpperCase() }, { tag: 'vip' }] };
      const result = validateAudienceRule(input);
      expect(result).toEqual({ ok: true, rule: { all: [{ audience: AUDIENCE_ID }, { tag: 'vip' }] } });
      if (result.ok) {
        expect(result.rule).not.toBe(input);
        expect('all' in result.rule && result.rule.all[1]).not.toBe(input.all[1]);
      }
    });

    it('an empty all: the match-all audience, at the root or inside', () => {
      expect(validateAudienceRule({ all: [] })).toEqual({ ok: true, rule: { all: [] } });
      expect(validateAudienceRule({ any: [{ all: [] }, { tag: 'vip' }] })).toEqual({
        ok: true,
        rule: { any: [{ all: [] }, { tag: 'vip' }] },
      });
    });

    it('every generated tree, empty alls included, unchanged (property)', () => {
      fc.assert(
        fc.property(ruleArbitrary({ depth: 5, audienceIds: [AUDIENCE_ID], allowEmpty: 'all' }), (rule) => {
          expect(validateAudienceRule(rule)).toEqual({ ok: true, rule });
        }),
      );
    });
  });

  describe('refuses, naming the bad node', () => {
    it.each<[string, unknown, string, RegExp]>([
      ['not an object', null, 'definition', /must be a rule object/],
      ['an array', [{ tag: 'vip' }], 'definition', /must be a rule object/],
      ['an empty object', {}, 'definition', /it is empty/],
      ['an unknown kind', { segment: 'vip' }, 'definition', /must have one of .*found "segment"/],
      ['two kinds', { tag: 'vip', list: [USER(1)] }, 'definition', /exactly one of .*"tag" and "list"/],
      ['op on a tag', { tag: 'vip', op: 'eq' }, 'definition.op', /not allowed in a "tag" rule/],
      ['an odd extra key', { tag: 'vip', 'bad key': 1 }, 'definition["bad key"]', /not allowed/],
      ['all not an array', { all: { tag: 'vip' } }, 'definition.all', /array of rules/],
      ['empty any', { any: [] }, 'definition.any', /at least one rule/],
      [
        'a bad op',
        { all: [{ tag: 'a' }, { tag: 'b' }, { attribute: 'city', op: 'like', value: 'T%' }] },
        'definition.all[2].op',
        /one of "eq"/,
      ],
      ['a missing op', { attribute: 'city', value: 'Taipei' }, 'definition.op', /one of/],
      [
        'an empty tag deep down',
        { any: [{ tag: 'a' }, { not: { tag: '' } }] },
        'definition.any[1].not.tag',
        /not be empty/,
      ],
      ['a tag that is not a string', { tag: 5 }, 'definition.tag', /must be a string/],
      ['a long tag', { tag: 'x'.repeat(101) }, 'definition.tag', /at most 100/],
      ['a NUL in a tag', { tag: 'a\u0000b' }, 'definition.tag', /without NUL/],
      ['a lone surrogate', { tag: 'a\uD800' }, 'definition.tag', /valid Unicode/],
      [
        'a space in an attribute name',
        { attribute: 'home city', op: 'eq', value: 'x' },
        'definition.attribute',
        /attribute name/,
      ],
      ['a long attribute name', { attribute: 'a'.repeat(65), op: 'exists' }, 'definition.attribute', /attribute name/],
      [
        'a quote in an attribute name',
        { attribute: "city'--", op: 'exists' },
        'definition.attribute',
        /attribute name/,
      ],
      ['eq null', { attribute: 'city', op: 'eq', value: null }, 'definition.value', /use "exists"/],
      ['eq without value', { attribute: 'city', op: 'eq' }, 'definition.value', /string, a number or a boolean/],
      [
        'neq an object',
        { attribute: 'city', op: 'neq', value: { a: 1 } },
        'definition.value',
        /string, a number or a boolean/,
      ],
      ['eq Infinity', { attribute: 'age', op: 'eq', value: Infinity }, 'definition.value', /finite/],
      ['a long value', { attribute: 'city', op: 'eq', value: 'x'.repeat(1001) }, 'definition.value', /at most 1000/],
      ['in not an array', { attribute: 'city', op: 'in', value: 'Taipei' }, 'definition.value', /array of 1 to 1000/],
      ['in empty', { attribute: 'city', op: 'in', value: [] }, 'definition.value', /array of 1 to 1000/],
      [
        'in too long',
        { attribute: 'city', op: 'in', value: Array.from({ length: 1001 }, (_, n) => n) },
        'definition.value',
        /array of 1 to 1000/,
      ],
      [
        'a null among in values',
        { attribute: 'city', op: 'in', value: ['a', null] },
        'definition.value[1]',
        /string, a number or a boolean/,
      ],
      ['gt a word', { attribute: 'age', op: 'gt', value: 'abc' }, 'definition.value', /number or an ISO-8601 date/],
      [
        'gt a numeric string',
        { attribute: 'age', op: 'gt', value: '30' },
        'definition.value',
        /number or an ISO-8601 date/,
      ],
      [
        'lt a day that does not exist',
        { attribute: 'joined', op: 'lt', value: '2023-02-29' },
        'definition.value',
        /ISO-8601/,
      ],
      [
        'lte a local date-time',
        { attribute: 'joined', op: 'lte', value: '2024-01-01T10:00:00' },
        'definition.value',
        /ISO-8601/,
      ],
      ['gte a boolean', { attribute: 'joined', op: 'gte', value: true }, 'definition.value', /ISO-8601/],
      ['exists "yes"', { attribute: 'city', op: 'exists', value: 'yes' }, 'definition.value', /true or false/],
      ['exists null', { attribute: 'city', op: 'exists', value: null }, 'definition.value', /true or false/],
      ['0 days', { followedWithinDays: 0 }, 'definition.followedWithinDays', /1 to 36500/],
      ['fractional days', { interactedWithinDays: 1.5 }, 'definition.interactedWithinDays', /whole number/],
      ['too many days', { followedWithinDays: 36_501 }, 'definition.followedWithinDays', /1 to 36500/],
      ['days as a string', { followedWithinDays: '30' }, 'definition.followedWithinDays', /whole number/],
      ['an audience that is not a UUID', { audience: 'vip-customers' }, 'definition.audience', /UUID/],
      ['an empty list', { list: [] }, 'definition.list', /1 to 10000/],
      ['a list that is not an array', { list: USER(1) }, 'definition.list', /1 to 10000/],
      ['a bad id in a list', { all: [{ list: [USER(1), 'u0123'] }] }, 'definition.all[0].list[1]', /LINE user id/],
      ['upper-case hex in an id', { list: [`U${'A'.repeat(32)}`] }, 'definition.list[0]', /LINE user id/],
      ['a list too long', { list: Array.from({ length: 10_001 }, (_, n) => USER(n)) }, 'definition.list', /1 to 10000/],
      [
        'lists too long together',
        {
          any: [
            { list: Array.from({ length: 6000 }, (_, n) => USER(n)) },
            { list: Array.from({ length: 6000 }, (_, n) => USER(n)) },
          ],
        },
        'definition.any[1].list',
        /past 10000 LINE user ids in total/,
      ],
    ])('%s', (_, input, field, problem) => {
      const errors = problemsOf(input);
      expect(errors).toContainEqual({ field, problem: expect.stringMatching(problem) });
    });

    it('nesting deeper than 32 levels, at the level past the limit', () => {
      const errors = problemsOf(nestedNots(AUDIENCE_RULE_LIMITS.maxDepth + 1));
      expect(errors).toEqual([
        {
          field: `definition${'.not'.repeat(AUDIENCE_RULE_LIMITS.maxDepth)}`,
          problem: expect.stringMatching(/nested too deeply/),
        },
      ]);
    });

    it('more than 1000 nodes, once, at the root', () => {
      const input = { any: Array.from({ length: AUDIENCE_RULE_LIMITS.maxNodes }, () => ({ tag: 'vip' })) };
      expect(problemsOf(input)).toEqual([{ field: 'definition', problem: 'has more than 1000 rule nodes' }]);
      expect(validateAudienceRule({ any: input.any.slice(1) }).ok).toBe(true);
    });

    it('every problem of the tree, each at its own path', () => {
      const errors = problemsOf({
        all: [{ tag: '' }, { followedWithinDays: 0 }, { attribute: 'a b', op: 'gt', value: 'x' }],
      });
      expect(errors.map((error) => error.field)).toEqual([
        'definition.all[0].tag',
        'definition.all[1].followedWithinDays',
        'definition.all[2].attribute',
        'definition.all[2].value',
      ]);
    });

    it('at most 50 problems', () => {
      expect(problemsOf({ list: Array.from({ length: 200 }, () => 'nope') })).toHaveLength(
        AUDIENCE_RULE_LIMITS.maxProblems,
      );
    });

    it('under the path the caller names', () => {
      expect(problemsOf({ all: [{}] }, 'body.definition')).toEqual([
        { field: 'body.definition.all[0]', problem: expect.any(String) },
      ]);
    });

    it('anything but a valid tree, without throwing (fuzz)', () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), (input) => {
          const result = validateAudienceRule(input);
          if (result.ok) expect(validateAudienceRule(result.rule)).toEqual(result);
          else expect(result.errors.length).toBeGreaterThan(0);
        }),
      );
    });
  });

  it('tappedPostback: a campaign id, an optional label and a window, each problem on its key', () => {
    const campaign = '0B6A4C1E-8F3D-4D2A-9C4B-5E6F7A8B9C0D';
    expect(validateAudienceRule({ tappedPostback: { campaign, withinDays: 30 } })).toEqual({
      ok: true,
      rule: { tappedPostback: { campaign: campaign.toLowerCase(), withinDays: 30 } },
    });
    expect(
      validateAudienceRule({
        any: [{ tappedPostback: { campaign: 'x', label: 'two words', withinDays: 0, extra: 1 } }],
      }),
    ).toEqual({
      ok: false,
      errors: [
        { field: 'definition.any[0].tappedPostback.extra', problem: 'is not allowed in a "tappedPostback" rule' },
        { field: 'definition.any[0].tappedPostback.campaign', problem: 'must be the id (a UUID) of a campaign' },
        { field: 'definition.any[0].tappedPostback.label', problem: expect.stringContaining('postback label') },
        {
          field: 'definition.any[0].tappedPostback.withinDays',
          problem: expect.stringContaining('whole number of days'),
        },
      ],
    });
    expect(validateAudienceRule({ tappedPostback: 5 })).toMatchObject({
      ok: false,
      errors: [{ field: 'definition.tappedPostback' }],
    });
  });

  it('assertValidAudienceRule throws with the problems listed', () => {
    expect(() => assertValidAudienceRule({ any: [] })).toThrow('definition.any: must hold at least one rule');
    expect(assertValidAudienceRule({ tag: 'vip' })).toEqual({ tag: 'vip' });
  });
});
