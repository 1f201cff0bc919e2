import { jsonDepthExceeds, undecodableQueryParameter } from './input-boundary';

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

describe('undecodableQueryParameter', () => {
  it('names the parameter whose escapes are not UTF-8 (a lone surrogate: %ED%A0%80), or the query for a key', () => {
    expect(undecodableQueryParameter('/api/v1/users?limit=1&cursor=a%ED%A0%80b')).toEqual({
      field: 'cursor',
      inKey: false,
    });
    expect(undecodableQueryParameter('/x?%ED%A0=1')).toEqual({ field: 'query', inKey: true });
    expect(undecodableQueryParameter('/x?a%20b=%FF')).toEqual({ field: 'a b', inKey: false });
  });

  it('passes UTF-8, NUL (validation names it), a stray "%" (the parser keeps it) and no query at all', () => {
    for (const url of ['/x', '/x?', '/x?name=%E5%8F%B0%E5%8C%97&q=%F0%9F%8E%89', '/x?a=%00', '/x?q=100%', '/x?a&b='])
      expect(undecodableQueryParameter(url)).toBeNull();
  });
});
