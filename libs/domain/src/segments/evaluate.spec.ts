import fc from 'fast-check';
import { createRuleMatcher, evaluateRule } from './evaluate';
import { AudienceRule, AudienceRuleError, SegmentContact } from './rule.types';
import { SEGMENT_NOW, contactsArbitrary, ruleArbitrary } from './testing/segment.arbitraries';

const NOW = new Date('2026-11-15T03:00:00.000Z');
const DAY = 86_400_000;
const ME = `U${'a'.repeat(32)}`;

function contact(overrides: Partial<SegmentContact> = {}): SegmentContact {
  return {
    lineUserId: ME,
    tags: ['vip', 'new'],
    attributes: {
      city: 'Taipei',
      age: 30,
      ratio: 2.5,
      vip: true,
      zip: '100',
      joined: '2024-01-01',
      seen: '2024-01-01T08:00:00+08:00',
      notes: null,
      list: ['Taipei'],
      address: { city: 'Taipei' },
      fake: '2023-02-29',
    },
    status: 'following',
    followedAt: new Date(NOW.getTime() - 10 * DAY),
    lastInteractionAt: null,
    ...overrides,
  };
}

const matches = (rule: AudienceRule, who: SegmentContact = contact()) => evaluateRule(rule, who, { now: NOW });
const not = (rule: AudienceRule): AudienceRule => ({ not: rule });

describe('evaluateRule', () => {
  it.each<[string, AudienceRule, boolean]>([
    // tags: exact and case-sensitive
    ['has the tag', { tag: 'vip' }, true],
    ['tags are case-sensitive', { tag: 'VIP' }, false],
    // eq: same JSON type and equal
    ['eq a string', { attribute: 'city', op: 'eq', value: 'Taipei' }, true],
    ['eq is case-sensitive', { attribute: 'city', op: 'eq', value: 'taipei' }, false],
    ['eq a number', { attribute: 'age', op: 'eq', value: 30 }, true],
    ['a number never equals its text', { attribute: 'age', op: 'eq', value: '30' }, false],
    ['a string never equals a number', { attribute: 'zip', op: 'eq', value: 100 }, false],
    ['eq a boolean', { attribute: 'vip', op: 'eq', value: true }, true],
    ['an array never equals its element', { attribute: 'list', op: 'eq', value: 'Taipei' }, false],
    ['an object never equals', { attribute: 'address', op: 'eq', value: 'Taipei' }, false],
    ['eq on a missing attribute', { attribute: 'country', op: 'eq', value: 'TW' }, false],
    // neq: has the attribute and it differs
    ['neq a different string', { attribute: 'city', op: 'neq', value: 'Tokyo' }, true],
    ['neq the same string', { attribute: 'city', op: 'neq', value: 'Taipei' }, false],
    ['neq a different type', { attribute: 'age', op: 'neq', value: '30' }, true],
    ['neq an array', { attribute: 'list', op: 'neq', value: 'Taipei' }, true],
    ['neq on a missing attribute is false', { attribute: 'country', op: 'neq', value: 'TW' }, false],
    ['neq on a JSON null is false', { attribute: 'notes', op: 'neq', value: 'x' }, false],
    ['not eq on a missing attribute is true', not({ attribute: 'country', op: 'eq', value: 'TW' }), true],
    // in
    ['in matches any element', { attribute: 'city', op: 'in', value: ['Tokyo', 'Taipei'] }, true],
    ['in compares types', { attribute: 'age', op: 'in', value: ['30', false] }, false],
    ['in on a missing attribute', { attribute: 'country', op: 'in', value: ['TW'] }, false],
    // numeric ranges: JSON numbers only
    ['gt a number', { attribute: 'age', op: 'gt', value: 29.5 }, true],
    ['gte the same number', { attribute: 'ratio', op: 'gte', value: 2.5 }, true],
    ['lt the same number', { attribute: 'ratio', op: 'lt', value: 2.5 }, false],
    ['lte a bigger number', { attribute: 'age', op: 'lte', value: 1e21 }, true],
    ['a numeric string is not a number', { attribute: 'zip', op: 'gt', value: 1 }, false],
    ['a boolean is not a number', { attribute: 'vip', op: 'gte', value: 0 }, false],
    ['a range on a missing attribute', { attribute: 'country', op: 'lt', value: 1e9 }, false],
    ['not of a range on a missing attribute', not({ attribute: 'country', op: 'lt', value: 1e9 }), true],
    // date ranges: instants, date-only strings at midnight UTC
    ['gte the same date', { attribute: 'joined', op: 'gte', value: '2024-01-01' }, true],
    ['a date equals midnight UTC', { attribute: 'joined', op: 'lte', value: '2023-12-31T16:00:00-08:00' }, true],
    ['later by a microsecond', { attribute: 'joined', op: 'lt', value: '2024-01-01T00:00:00.000001Z' }, true],
    ['offsets are honoured', { attribute: 'seen', op: 'lte', value: '2024-01-01T00:00:00Z' }, true],
    ['offsets are honoured, strictly', { attribute: 'seen', op: 'lt', value: '2024-01-01T00:00:00Z' }, false],
    ['a day that does not exist is not a date', { attribute: 'fake', op: 'lt', value: '2030-01-01' }, false],
    ['a number is not a date', { attribute: 'age', op: 'gt', value: '1970-01-01' }, false],
    ['a plain string is not a date', { attribute: 'city', op: 'gt', value: '1970-01-01' }, false],
    // exists: present and not JSON null
    ['exists', { attribute: 'city', op: 'exists' }, true],
    ['exists true', { attribute: 'list', op: 'exists', value: true }, true],
    ['a JSON null does not exist', { attribute: 'notes', op: 'exists' }, false],
    ['a missing key does not exist', { attribute: 'country', op: 'exists' }, false],
    ['exists false on a JSON null', { attribute: 'notes', op: 'exists', value: false }, true],
    ['exists false on a present key', { attribute: 'city', op: 'exists', value: false }, false],
    ['inherited properties are not attributes', { attribute: 'constructor', op: 'exists' }, false],
    ['nor is toString', { attribute: 'toString', op: 'neq', value: 'x' }, false],
    // time windows
    ['followed within the window', { followedWithinDays: 30 }, true],
    ['followed before the window', { followedWithinDays: 7 }, false],
    ['no interaction date', { interactedWithinDays: 36_500 }, false],
    ['not of a missing date', not({ interactedWithinDays: 36_500 }), true],
    // lists
    ['in the list', { list: [`U${'b'.repeat(32)}`, ME] }, true],
    ['not in the list', { list: [`U${'b'.repeat(32)}`] }, false],
    // combinators, empty ones included
    ['all', { all: [{ tag: 'vip' }, { attribute: 'city', op: 'eq', value: 'Taipei' }] }, true],
    ['all with one miss', { all: [{ tag: 'vip' }, { tag: 'gone' }] }, false],
    ['any', { any: [{ tag: 'gone' }, { tag: 'new' }] }, true],
    ['empty all matches everyone', { all: [] }, true],
    ['empty any matches no one', { any: [] }, false],
  ])('%s', (_, rule, expected) => {
    expect(matches(rule)).toBe(expected);
  });

  it('tappedPostback: a tap of that campaign (and label) within the window', () => {
    const campaign = '0b6a4c1e-8f3d-4d2a-9c4b-5e6f7a8b9c0d';
    const tapped = contact({
      postbackTaps: [{ campaignId: campaign, label: 'yes', tappedAt: new Date(NOW.getTime() - 3 * DAY) }],
    });
    expect(matches({ tappedPostback: { campaign, withinDays: 7 } }, tapped)).toBe(true);
    expect(matches({ tappedPostback: { campaign, label: 'yes', withinDays: 3 } }, tapped)).toBe(true);
    expect(matches({ tappedPostback: { campaign, label: 'no', withinDays: 7 } }, tapped)).toBe(false);
    expect(matches({ tappedPostback: { campaign, withinDays: 2 } }, tapped)).toBe(false);
    expect(
      matches({ tappedPostback: { campaign: '11111111-2222-4333-8444-555555555555', withinDays: 7 } }, tapped),
    ).toBe(false);
    expect(matches({ tappedPostback: { campaign, withinDays: 7 } })).toBe(false);
  });

  it('windows include their cutoff instant and count future dates', () => {
    const at = (offset: number) => contact({ followedAt: new Date(NOW.getTime() - 7 * DAY + offset) });
    expect(matches({ followedWithinDays: 7 }, at(0))).toBe(true);
    expect(matches({ followedWithinDays: 7 }, at(-1))).toBe(false);
    expect(matches({ followedWithinDays: 7 }, contact({ followedAt: new Date(NOW.getTime() + DAY) }))).toBe(true);
    expect(matches({ followedWithinDays: 7 }, contact({ followedAt: null }))).toBe(false);
  });

  it('contacts without tags match no tag', () => {
    expect(matches({ tag: 'vip' }, contact({ tags: null }))).toBe(false);
    expect(matches(not({ tag: 'vip' }), contact({ tags: null }))).toBe(true);
  });

  it('values JSON cannot store count as missing, as they would in PostgreSQL', () => {
    const odd = contact({ attributes: { nan: Number.NaN, gone: undefined, inf: Infinity } });
    for (const attribute of ['nan', 'gone', 'inf']) {
      expect(matches({ attribute, op: 'exists' }, odd)).toBe(false);
      expect(matches({ attribute, op: 'neq', value: 1 }, odd)).toBe(false);
    }
  });

  it('"__proto__" is an ordinary attribute name', () => {
    const attributes = JSON.parse('{"__proto__": "x"}') as Record<string, unknown>;
    expect(matches({ attribute: '__proto__', op: 'eq', value: 'x' }, contact({ attributes }))).toBe(true);
    expect(matches({ attribute: '__proto__', op: 'exists' }, contact({ attributes: {} }))).toBe(false);
  });

  describe('audience references', () => {
    const VIPS = '00000000-0000-4000-8000-000000000001';
    const LOYAL = '00000000-0000-4000-8000-000000000002';
    const audiences = new Map<string, AudienceRule>([
      [VIPS, { tag: 'vip' }],
      [LOYAL, { all: [{ audience: VIPS }, { followedWithinDays: 30 }] }],
    ]);
    const resolveAudience = (id: string) => audiences.get(id);

    it('are matched through their rules, transitively', () => {
      expect(evaluateRule({ audience: LOYAL }, contact(), { now: NOW, resolveAudience })).toBe(true);
      expect(evaluateRule({ audience: LOYAL }, contact({ tags: [] }), { now: NOW, resolveAudience })).toBe(false);
    });

    it('refuse an unknown audience and a cycle', () => {
      expect(() => evaluateRule({ audience: LOYAL }, contact(), { now: NOW })).toThrow(AudienceRuleError);
      const cyclic = new Map<string, AudienceRule>([[VIPS, { any: [{ tag: 'x' }, { audience: VIPS }] }]]);
      expect(() =>
        createRuleMatcher({ audience: VIPS }, { now: NOW, resolveAudience: (id) => cyclic.get(id) }),
      ).toThrow(expect.objectContaining({ code: 'audience_cycle', audienceIds: [VIPS, VIPS] }));
    });
  });

  it('refuses an invalid now', () => {
    expect(() => matches({ tag: 'vip' }, contact())).not.toThrow();
    expect(() => evaluateRule({ tag: 'vip' }, contact(), { now: new Date('nope') })).toThrow(RangeError);
  });

  describe('is boolean logic (properties)', () => {
    const context = { now: SEGMENT_NOW };
    const select = (rule: AudienceRule, contacts: SegmentContact[]) => contacts.map(createRuleMatcher(rule, context));
    const trees = ruleArbitrary({ depth: 3, allowEmpty: true });
    const contacts = contactsArbitrary({ maxLength: 20 });

    it('not is negation, and not not is identity', () => {
      fc.assert(
        fc.property(trees, contacts, (rule, people) => {
          const plain = select(rule, people);
          expect(select({ not: rule }, people)).toEqual(plain.map((value) => !value));
          expect(select({ not: { not: rule } }, people)).toEqual(plain);
        }),
      );
    });

    it('the empty all (match-all audience) selects everyone, and adding it to an all changes nothing', () => {
      fc.assert(
        fc.property(trees, contacts, (rule, people) => {
          expect(select({ all: [] }, people)).toEqual(people.map(() => true));
          expect(select({ all: [rule, { all: [] }] }, people)).toEqual(select(rule, people));
        }),
      );
    });

    it("De Morgan's laws hold", () => {
      fc.assert(
        fc.property(fc.array(trees, { maxLength: 3 }), contacts, (rules, people) => {
          expect(select({ not: { all: rules } }, people)).toEqual(
            select({ any: rules.map((rule) => ({ not: rule })) }, people),
          );
          expect(select({ not: { any: rules } }, people)).toEqual(
            select({ all: rules.map((rule) => ({ not: rule })) }, people),
          );
        }),
      );
    });

    it('neq is "has the attribute and not eq"', () => {
      fc.assert(
        fc.property(
          trees,
          contacts,
          fc.constantFrom('city', 'age', 'joined'),
          fc.constantFrom('Taipei', 5, true),
          (_, people, attribute, value) => {
            expect(select({ attribute, op: 'neq', value }, people)).toEqual(
              select({ all: [{ attribute, op: 'exists' }, { not: { attribute, op: 'eq', value } }] }, people),
            );
          },
        ),
      );
    });
  });
});
