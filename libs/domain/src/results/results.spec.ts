import {
  aggregationUnitFor,
  costPer,
  countFromLine,
  NOT_READ,
  rateOf,
  resultsFinalAt,
  resultsPeriod,
  sumCounts,
} from './index';

describe('results', () => {
  it("names a run's unit within LINE's pattern, the same every time", () => {
    const unit = aggregationUnitFor('ffffffff-ffff-ffff-ffff-ffffffffffff');
    expect(unit).toMatch(/^[a-zA-Z0-9_]{1,30}$/);
    expect(unit).toBe(aggregationUnitFor('FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'));
    expect(aggregationUnitFor('00000000-0000-0000-0000-000000000001')).toBe('lcm_1');
    expect(() => aggregationUnitFor('nope')).toThrow(RangeError);
  });

  it('keeps "fewer than 20" apart from 0, and computes no rate from it', () => {
    expect(countFromLine(null)).toEqual({ value: null, belowThreshold: true });
    expect(countFromLine(0)).toEqual({ value: 0, belowThreshold: false });
    expect(rateOf(countFromLine(null), 1000)).toBeNull();
    expect(rateOf(countFromLine(250), 1000)).toBe('0.2500');
    expect(rateOf(countFromLine(1), 3)).toBe('0.3333');
    expect(rateOf(countFromLine(5), 0)).toBeNull();
  });

  it('adds counts of runs: a part under 20 makes the total unknown, with the known parts as a lower bound', () => {
    expect(sumCounts([countFromLine(30), countFromLine(40)])).toEqual({ value: 70, belowThreshold: false });
    expect(sumCounts([countFromLine(30), countFromLine(null)])).toEqual({
      value: null,
      belowThreshold: true,
      atLeast: 30,
    });
    expect(sumCounts([countFromLine(null)])).toEqual({ value: null, belowThreshold: true });
    expect(sumCounts([NOT_READ, countFromLine(25)])).toEqual({ value: 25, belowThreshold: false });
    expect(sumCounts([])).toEqual(NOT_READ);
  });

  it('divides cost exactly, to 4 places', () => {
    expect(costPer('160.0000', 1000, 1000)).toBe('160.0000');
    expect(costPer('100', 3)).toBe('33.3333');
    expect(costPer('0', 40)).toBe('0.0000');
    expect(costPer('10', null)).toBeNull();
    expect(costPer('10', 0)).toBeNull();
  });

  it('asks LINE from the send day (UTC+9) to today, never past 14 days after the send day', () => {
    const sent = new Date('2026-12-01T16:00:00Z'); // 2 December in Tokyo
    expect(resultsPeriod(sent, new Date('2026-12-01T18:00:00Z'))).toEqual({
      from: '20261202',
      to: '20261202',
      final: false,
    });
    expect(resultsPeriod(sent, new Date('2026-12-10T00:00:00Z'))).toMatchObject({ to: '20261210', final: false });
    expect(resultsPeriod(sent, new Date('2026-12-30T00:00:00Z'))).toEqual({
      from: '20261202',
      to: '20261216',
      final: true,
    });
    expect(resultsFinalAt(sent).toISOString()).toBe('2026-12-16T15:00:00.000Z');
  });
});
