import { isApiDateTime, isInstantInRange } from './instant-range';

describe('the API instant range', () => {
  it('takes 1970-01-01 to 9999-12-31 (UTC), whatever the offset', () => {
    for (const text of ['1970-01-01T00:00:00Z', '2026-11-23T10:00:00+08:00', '9999-12-31T23:59:59.999Z'])
      expect(isApiDateTime(text)).toBe(true);
  });

  it('refuses years 0, −271821 and +275760, and instants that an offset pushes out of the range', () => {
    for (const text of [
      '0000-01-01T00:00:00Z',
      '-271821-04-20T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '1970-01-01T07:00:00+08:00',
      '9999-12-31T23:00:00-02:00',
      '2026-11-23',
    ])
      expect(isApiDateTime(text)).toBe(false);
    for (const ms of [NaN, Infinity, 1e308, -1, 8.64e15]) expect(isInstantInRange(ms)).toBe(false);
  });
});
