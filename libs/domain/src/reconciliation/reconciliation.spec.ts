import { dayAdjustment, ledgerCountOfDay, lineDateParam, lineDayBounds, lineDayOf } from '.';

describe('LINE days (UTC+9)', () => {
  it('names the day an instant falls on in UTC+9, not UTC or the account zone', () => {
    expect(lineDayOf(new Date('2026-12-01T14:59:59.999Z'))).toBe('2026-12-01');
    expect(lineDayOf(new Date('2026-12-01T15:00:00.000Z'))).toBe('2026-12-02');
    expect(lineDateParam('2026-12-02')).toBe('20261202');
    expect(lineDayBounds('2026-12-02')).toEqual({
      start: new Date('2026-12-01T15:00:00.000Z'),
      end: new Date('2026-12-02T15:00:00.000Z'),
    });
    expect(() => lineDateParam('20261202')).toThrow(RangeError);
  });
});

describe('what the ledger counts for a day', () => {
  it("follows LINE's count once ready, lower or higher than accepted", () => {
    expect(ledgerCountOfDay(98, { status: 'ready', count: 0 })).toBe(0);
    expect(ledgerCountOfDay(100, { status: 'ready', count: 120 })).toBe(120);
    expect(dayAdjustment(98, { status: 'ready', count: 0 })).toBe(-98);
  });

  it('keeps the accepted count while LINE has no figure', () => {
    expect(ledgerCountOfDay(98, null)).toBe(98);
    expect(ledgerCountOfDay(98, { status: 'unready', count: null })).toBe(98);
    expect(ledgerCountOfDay(98, { status: 'out_of_service', count: null })).toBe(98);
  });

  it('takes fewer than 20 as at most 19, never more than accepted', () => {
    expect(ledgerCountOfDay(98, { status: 'unavailable_for_privacy', count: null })).toBe(19);
    expect(ledgerCountOfDay(5, { status: 'unavailable_for_privacy', count: null })).toBe(5);
  });

  it('does not adjust a day that falls into two of the account months', () => {
    expect(dayAdjustment(98, { status: 'ready', count: 0 }, true)).toBe(0);
  });

  it('refuses impossible figures', () => {
    expect(() => ledgerCountOfDay(-1, null)).toThrow(RangeError);
    expect(() => ledgerCountOfDay(1, { status: 'ready', count: null })).toThrow(RangeError);
  });
});
