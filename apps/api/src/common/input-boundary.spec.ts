import { jsonDepthExceeds } from './input-boundary';

describe('jsonDepthExceeds', () => {
  it('counts nested objects and arrays', () => {
    expect(jsonDepthExceeds('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonDepthExceeds('[]', 1)).toBe(false);
    expect(jsonDepthExceeds('[[]]', 1)).toBe(true);
  });

  it('counts depth, not the number of containers side by side', () => {
    expect(jsonDepthExceeds(`[${'[],'.repeat(10_000)}[]]`, 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: 'say \\"[[[[\\" and \\\\' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: '\\', b: [[1]] }), 2)).toBe(true);
  });

  it('scans a 10,000-deep body without recursion', () => {
    expect(jsonDepthExceeds('['.repeat(10_000) + ']'.repeat(10_000), 64)).toBe(true);
  });
});
