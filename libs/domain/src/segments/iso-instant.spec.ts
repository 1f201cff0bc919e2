import fc from 'fast-check';
import { compareIsoInstants, epochSecondsText, isIsoDateTime, isIsoInstant, parseIsoInstant } from './iso-instant';

describe('the ISO instant grammar', () => {
  it.each([
    '2024-01-01',
    '0001-01-01',
    '9999-12-31',
    '2024-02-29',
    '2000-02-29',
    '0400-02-29',
    '2024-04-30',
    '2024-01-31T23:59Z',
    '2024-01-31T23:59:59Z',
    '2024-01-31T23:59:59.1+08:00',
    '2024-01-31T23:59:59.123456-14:59',
    '2024-01-31T00:00:00-00:00',
  ])('accepts %s', (text) => {
    expect(isIsoInstant(text)).toBe(true);
  });

  it.each([
    '0000-01-01', // PostgreSQL has no year 0
    '2023-02-29',
    '1900-02-29',
    '2100-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '2024-1-1',
    '20240101',
    '12024-01-01',
    '2024-01-01T10:00', // no offset: would depend on a session time zone
    '2024-01-01T10:00:00',
    '2024-01-01 10:00:00Z',
    '2024-01-01t10:00:00z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T23:60:00Z',
    '2024-01-01T23:59:60Z', // a leap second rolls over in PostgreSQL
    '2024-01-01T10:00:00.1234567Z', // PostgreSQL rounds past microseconds
    '2024-01-01T10:00:00.Z',
    '2024-01-01T10:00:00+15:00',
    '2024-01-01T10:00:00+0800',
    '2024-01-01T10:00:00+08',
    '2024-01-01Z',
    ' 2024-01-01',
    '2024-01-01\n',
    '２０２４-01-01',
  ])('refuses %j', (text) => {
    expect(isIsoInstant(text)).toBe(false);
    expect(parseIsoInstant(text)).toBeUndefined();
  });

  it('reads a date as midnight UTC and honours offsets', () => {
    const midnight = parseIsoInstant('2024-01-01');
    expect(midnight).toEqual({ epochSeconds: Date.UTC(2024, 0, 1) / 1000, microseconds: 0 });
    expect(parseIsoInstant('2024-01-01T08:00+08:00')).toEqual(midnight);
    expect(parseIsoInstant('2023-12-31T16:00:00.000000-08:00')).toEqual(midnight);
    expect(parseIsoInstant('2024-01-01T00:00:00.5Z')).toEqual({
      epochSeconds: Date.UTC(2024, 0, 1) / 1000,
      microseconds: 500_000,
    });
  });

  it('agrees with Date for every millisecond instant from year 1 to 9999 (property)', () => {
    const min = Date.UTC(1, 0, 1) - (Date.UTC(1, 0, 1) % 1000) + 86_400_000; // keep the offset-shifted year ≥ 1
    const dates = fc.date({ min: new Date(min), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(dates, fc.integer({ min: -14 * 60, max: 14 * 60 }), (date, offsetMinutes) => {
        const local = new Date(date.getTime() + offsetMinutes * 60_000);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(offsetMinutes);
        const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        const text = `${local.toISOString().slice(0, 23)}${offset}`;
        if (!isIsoInstant(text)) return; // the shifted local date may fall outside years 1-9999
        const parsed = parseIsoInstant(text);
        expect(parsed).toEqual({
          epochSeconds: Math.floor(date.getTime() / 1000),
          microseconds: (((date.getTime() % 1000) + 1000) % 1000) * 1000,
        });
      }),
    );
  });

  it('writes an instant as exact epoch seconds, six fraction digits, as PostgreSQL extracts it', () => {
    const epoch = (text: string) => epochSecondsText(parseIsoInstant(text)!);
    expect(epoch('1970-01-01')).toBe('0.000000');
    expect(epoch('2024-06-01')).toBe('1717200000.000000');
    expect(epoch('2024-06-01T00:00:00.000001Z')).toBe('1717200000.000001');
    expect(epoch('1969-12-31T23:59:59.999999Z')).toBe('-0.000001');
    expect(epoch('1969-12-31T23:59:58.5Z')).toBe('-1.500000');
    expect(epoch('0001-01-01T00:00+14:00')).toBe('-62135647200.000000');
    expect(epoch('9999-12-31T23:59:59.999999-14:59')).toBe('253402354739.999999');
  });

  it('orders instants', () => {
    const at = (text: string) => parseIsoInstant(text)!;
    expect(compareIsoInstants(at('2024-01-01T00:00:00.000001Z'), at('2024-01-01'))).toBe(1);
    expect(compareIsoInstants(at('2023-12-31T23:59:59.999999Z'), at('2024-01-01'))).toBe(-1);
    expect(compareIsoInstants(at('2024-01-01T09:00+09:00'), at('2024-01-01'))).toBe(0);
  });
});

describe('the date-time half of the grammar (the instants the API takes: followedAt, schedule.at …)', () => {
  it('takes a date-time with an offset and up to 6 fraction digits, every one of which Date reads', () => {
    for (const text of ['2026-11-23T10:00+08:00', '2026-11-23T10:00:00.123456Z', '2024-02-29T23:59:59-14:59']) {
      expect(isIsoDateTime(text)).toBe(true);
      expect(Number.isNaN(Date.parse(text))).toBe(false);
    }
  });

  it('refuses a bare date, a local time, a compact offset, 7+ fraction digits and impossible days', () => {
    for (const text of [
      '2026-11-23',
      '2026-11-23T10:00:00',
      '2026-11-23T10:00:00+0800',
      '2026-11-23T10:00:00.1234567Z',
      '2026-02-30T10:00:00Z',
      '2026-11-23T24:00:00Z',
      20261123,
    ])
      expect(isIsoDateTime(text)).toBe(false);
  });
});
