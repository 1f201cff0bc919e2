import {
  decideRemainder,
  maxMessageObjects,
  pickWinner,
  smallGroupsNote,
  splitTest,
  unreadPick,
  WinnerPick,
} from './ab-test';

describe('A/B tests', () => {
  it('splits the test share evenly and the rest is the remainder', () => {
    expect(splitTest(1000, 20, 2)).toEqual({
      variants: [
        { start: 0, end: 100 },
        { start: 100, end: 200 },
      ],
      remainder: { start: 200, end: 1000 },
    });
    // 10% of 1,001 is 100 (rounded down), in three groups of 34, 33, 33.
    expect(splitTest(1001, 10, 3).variants.map((g) => g.end - g.start)).toEqual([34, 33, 33]);
    expect(splitTest(1001, 10, 3).remainder).toEqual({ start: 100, end: 1001 });
  });

  it('picks the variant whose rate leads by at least one percentage point', () => {
    const pick = pickWinner([
      { variant: 0, delivered: 100, count: 30 },
      { variant: 1, delivered: 100, count: 45 },
    ]);
    expect(pick).toEqual({ kind: 'winner', winner: 1, rates: ['0.3000', '0.4500'], lead: '0.1500' });
  });

  it('is undecided under the threshold, on a tie within the margin, or when a variant reached nobody', () => {
    expect(
      pickWinner([
        { variant: 0, delivered: 100, count: null },
        { variant: 1, delivered: 100, count: 45 },
      ]),
    ).toMatchObject({ kind: 'undecided', reason: 'below_threshold', rates: [null, '0.4500'] });
    expect(
      pickWinner([
        { variant: 0, delivered: 200, count: 60 },
        { variant: 1, delivered: 200, count: 61 },
      ]),
    ).toMatchObject({ kind: 'undecided', reason: 'tie' });
    expect(
      pickWinner([
        { variant: 0, delivered: 0, count: null },
        { variant: 1, delivered: 10, count: 5 },
      ]),
    ).toMatchObject({ kind: 'undecided', reason: 'nothing_delivered' });
  });

  it("is undecided without figures when LINE can't be read, and the rule decides as for any undecided test", () => {
    const unread = unreadPick(3);
    expect(unread).toEqual({ kind: 'undecided', reason: 'line_unavailable', rates: [null, null, null] });
    expect(decideRemainder(unread, 'variant_a', 0)).toEqual({ action: 'send', variant: 0, by: 'variant_a' });
    expect(decideRemainder(unread, 'none', 0)).toEqual({ action: 'none' });
    expect(decideRemainder(unread, 'wait', 0)).toEqual({ action: 'wait' });
    expect(decideRemainder(unread, 'wait', 1)).toEqual({ action: 'none' });
  });

  it('follows the undecided rule, waiting once at most', () => {
    const tie: WinnerPick = { kind: 'undecided', reason: 'tie', rates: [] };
    expect(decideRemainder(tie, 'variant_a', 0)).toEqual({ action: 'send', variant: 0, by: 'variant_a' });
    expect(decideRemainder(tie, 'none', 0)).toEqual({ action: 'none' });
    expect(decideRemainder(tie, 'wait', 0)).toEqual({ action: 'wait' });
    expect(decideRemainder(tie, 'wait', 1)).toEqual({ action: 'none' });
    expect(decideRemainder({ kind: 'winner', winner: 2, rates: [], lead: '0.1' }, 'none', 0)).toEqual({
      action: 'send',
      variant: 2,
      by: 'winner',
    });
  });

  it('forecasts the largest variant', () => {
    expect(
      maxMessageObjects(
        [],
        [
          { name: 'a', messages: [1] },
          { name: 'b', messages: [1, 2, 3, 4, 5, 6] },
        ],
      ),
    ).toBe(6);
    expect(maxMessageObjects([1, 2], null)).toBe(2);
  });

  it("notes groups under LINE's 20, saying what the undecided rule then does", () => {
    const note = smallGroupsNote(100, { testShare: 1, undecided: 'variant_a', waitMinutes: 60 }, 3);
    expect(note).toMatchObject({
      code: 'ab_test.groups_too_small.variant_a',
      params: { recipients: 100, tested: 1, variants: 3, smallest: 0, minimum: 20, rest: 99, undecided: 'variant_a' },
    });
    expect(note!.text).toContain('too small to be decided');
    expect(note!.text).toContain('variant A goes to the other 99');
    expect(smallGroupsNote(100, { testShare: 1, undecided: 'none', waitMinutes: 60 }, 3)!.text).toContain(
      'the other 99 get nothing',
    );
    expect(smallGroupsNote(100, { testShare: 1, undecided: 'wait', waitMinutes: 60 }, 3)!.text).toContain(
      'waits 60 minutes once more',
    );
    // 40 and 39 and 39 (20% of 590 over 3): every group reaches 20, so no note; nor for nobody.
    expect(smallGroupsNote(590, { testShare: 20, undecided: 'none', waitMinutes: 60 }, 3)).toBeNull();
    expect(smallGroupsNote(1000, { testShare: 6, undecided: 'none', waitMinutes: 60 }, 3)).toBeNull();
    expect(smallGroupsNote(0, { testShare: 1, undecided: 'none', waitMinutes: 60 }, 3)).toBeNull();
  });
});
