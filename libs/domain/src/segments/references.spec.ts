import { inlineAudienceReferences } from './inline';
import { audienceReferencePaths, findAudienceCycle, referencedAudienceIds, tappedCampaignPaths } from './references';
import { AUDIENCE_RULE_LIMITS, AudienceRule } from './rule.types';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [A, B, C, D] = [1, 2, 3, 4].map(id);

function resolverOf(entries: Array<[string, AudienceRule]>) {
  const audiences = new Map(entries);
  return (audienceId: string) => audiences.get(audienceId);
}

describe('referencedAudienceIds', () => {
  it('lists the direct references once each, in order, at any depth', () => {
    const rule: AudienceRule = {
      all: [{ audience: B }, { not: { any: [{ tag: 'x' }, { audience: A }, { audience: B }] } }, { list: [] }],
    };
    expect(referencedAudienceIds(rule)).toEqual([B, A]);
    expect(referencedAudienceIds({ tag: 'vip' })).toEqual([]);
  });
});

describe('audienceReferencePaths', () => {
  it('names every audience node by its path, repeats included, so a 400 can point at the one that is wrong', () => {
    const rule: AudienceRule = {
      all: [{ audience: B }, { not: { any: [{ tag: 'x' }, { audience: A }, { audience: B }] } }],
    };
    expect(audienceReferencePaths(rule, 'definition')).toEqual([
      { id: B, path: 'definition.all[0].audience' },
      { id: A, path: 'definition.all[1].not.any[1].audience' },
      { id: B, path: 'definition.all[1].not.any[2].audience' },
    ]);
    expect(audienceReferencePaths({ tag: 'vip' }, 'definition')).toEqual([]);
  });
});

describe('tappedCampaignPaths', () => {
  it('names the campaign of every tappedPostback node by its path, so a 400 can point at an unknown one', () => {
    const rule: AudienceRule = {
      any: [
        { tappedPostback: { campaign: C, withinDays: 7 } },
        { not: { all: [{ audience: A }, { tappedPostback: { campaign: D, label: 'coupon', withinDays: 1 } }] } },
      ],
    };
    expect(tappedCampaignPaths(rule, 'definition')).toEqual([
      { id: C, path: 'definition.any[0].tappedPostback.campaign' },
      { id: D, path: 'definition.any[1].not.all[1].tappedPostback.campaign' },
    ]);
    expect(tappedCampaignPaths({ audience: A }, 'definition')).toEqual([]);
  });
});

describe('findAudienceCycle', () => {
  it('finds a → a', () => {
    expect(findAudienceCycle(A, resolverOf([[A, { any: [{ tag: 'x' }, { audience: A }] }]]))).toEqual([A, A]);
  });

  it('finds a → b → a', () => {
    expect(
      findAudienceCycle(
        A,
        resolverOf([
          [A, { audience: B }],
          [B, { not: { audience: A } }],
        ]),
      ),
    ).toEqual([A, B, A]);
  });

  it('finds a cycle below the root, naming the chain from the root', () => {
    const resolve = resolverOf([
      [A, { audience: B }],
      [B, { audience: C }],
      [C, { all: [{ tag: 'x' }, { audience: B }] }],
    ]);
    expect(findAudienceCycle(A, resolve)).toEqual([A, B, C, B]);
  });

  it('checks the root under its new rule, as an update would', () => {
    const stored = resolverOf([[B, { audience: A }]]);
    const withUpdate = (rule: AudienceRule) => (audienceId: string) => (audienceId === A ? rule : stored(audienceId));
    expect(findAudienceCycle(A, withUpdate({ audience: B }))).toEqual([A, B, A]);
    expect(findAudienceCycle(A, withUpdate({ tag: 'vip' }))).toBeNull();
  });

  it('accepts shared references (a diamond is not a cycle) and skips unknown ids', () => {
    const resolve = resolverOf([
      [A, { all: [{ audience: B }, { audience: C }, { audience: id(99) }] }],
      [B, { audience: D }],
      [C, { audience: D }],
      [D, { tag: 'vip' }],
    ]);
    expect(findAudienceCycle(A, resolve)).toBeNull();
    expect(findAudienceCycle(id(99), resolve)).toBeNull();
  });

  it('stays fast on deep diamonds (each audience is explored once)', () => {
    const ids = Array.from({ length: 200 }, (_, n) => id(n + 10));
    let calls = 0;
    const resolve = (audienceId: string): AudienceRule | undefined => {
      calls += 1;
      const n = ids.indexOf(audienceId);
      if (n < 0) return undefined;
      return n === 0
        ? { tag: 'x' }
        : { any: [{ audience: ids[n - 1] }, { audience: ids[n - 1] }, { audience: ids[Math.max(0, n - 2)] }] };
    };
    expect(findAudienceCycle(ids[199], resolve)).toBeNull();
    expect(calls).toBe(200);
  });
});

describe('inlineAudienceReferences', () => {
  it('replaces references by their rules, recursively', () => {
    const resolve = resolverOf([
      [A, { tag: 'vip' }],
      [B, { any: [{ audience: A }, { followedWithinDays: 7 }] }],
    ]);
    expect(inlineAudienceReferences({ not: { audience: B } }, resolve)).toEqual({
      not: { any: [{ tag: 'vip' }, { followedWithinDays: 7 }] },
    });
  });

  it('refuses a chain of references deeper than the limit', () => {
    const depth = AUDIENCE_RULE_LIMITS.maxExpandedDepth;
    const ids = Array.from({ length: depth + 1 }, (_, n) => id(n + 100));
    const resolve = (audienceId: string): AudienceRule | undefined => {
      const n = ids.indexOf(audienceId);
      return n === ids.length - 1 ? { tag: 'x' } : { not: { audience: ids[n + 1] } };
    };
    expect(() => inlineAudienceReferences({ audience: ids[0] }, resolve)).toThrow(
      expect.objectContaining({ code: 'rule_too_large' }),
    );
    expect(() => inlineAudienceReferences({ audience: ids[depth / 2] }, resolve)).not.toThrow();
  });
});
