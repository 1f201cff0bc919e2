import { Dec, formatAmount, normalizeDecimal, toDecimal } from './decimal';
import { money } from './money';

describe('money', () => {
  it('formats amounts with 4 places as strings', () => {
    expect(money('1500', 'TWD')).toEqual({ amount: '1500.0000', currency: 'TWD' });
    expect(formatAmount(new Dec('0.1').plus('0.2'))).toBe('0.3000');
    expect(formatAmount('0.00005')).toBe('0.0001');
    expect(normalizeDecimal('0.20')).toBe('0.2');
  });

  it('keeps sums exact far past binary floats', () => {
    const total = Array.from({ length: 1_000_000 / 1000 }, () => new Dec('0.011').times(1000)).reduce((a, b) =>
      a.plus(b),
    );
    expect(total.toFixed()).toBe('11000');
    expect(new Dec('99999999999999.9999').plus('0.0001').toFixed(4)).toBe('100000000000000.0000');
  });

  it('refuses what is not a plain decimal', () => {
    expect(() => toDecimal('1e3')).toThrow(RangeError);
    expect(() => toDecimal('abc')).toThrow(RangeError);
    expect(() => toDecimal(Number.NaN)).toThrow(RangeError);
  });
});
