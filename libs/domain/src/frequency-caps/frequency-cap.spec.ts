import { effectiveFrequencyCap, frequencyWindowStart, historyPruneBefore } from './frequency-cap';

describe('frequency caps', () => {
  const account = { messages: 2, days: 7 };

  it("a campaign follows the account's cap, replaces it with its own, or has none", () => {
    expect(effectiveFrequencyCap(account, { kind: 'account' })).toEqual(account);
    expect(effectiveFrequencyCap(null, { kind: 'account' })).toBeNull();
    expect(effectiveFrequencyCap(account, { kind: 'own', cap: { messages: 5, days: 30 } })).toEqual({
      messages: 5,
      days: 30,
    });
    expect(effectiveFrequencyCap(null, { kind: 'own', cap: { messages: 1, days: 1 } })).toEqual({
      messages: 1,
      days: 1,
    });
    expect(effectiveFrequencyCap(account, { kind: 'none' })).toBeNull();
  });

  it('the window is days × 24 hours back from now, across a DST change too', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(frequencyWindowStart(now, { messages: 1, days: 7 }).toISOString()).toBe('2026-03-03T12:00:00.000Z');
  });

  it('history is kept for the longest window in force, and at least 30 days', () => {
    const now = new Date('2026-12-31T00:00:00Z');
    expect(historyPruneBefore(now, 90).toISOString()).toBe('2026-10-02T00:00:00.000Z');
    expect(historyPruneBefore(now, 7).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(historyPruneBefore(now, null).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});
