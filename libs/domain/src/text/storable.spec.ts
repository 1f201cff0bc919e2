import { findUnstorableText, isStorableText } from './index';

describe('isStorableText', () => {
  it('accepts any well-formed text, including emoji (surrogate pairs) and other scripts', () => {
    for (const text of ['', 'plain', '台北 🎉', 'a\tb\nc', '\uD83D\uDE00']) expect(isStorableText(text)).toBe(true);
  });

  it('refuses NUL and lone surrogates, which PostgreSQL text and UTF-8 cannot hold', () => {
    for (const text of ['a\u0000b', '\uD83D', 'x\uDE00', '\uDE00\uD83D']) expect(isStorableText(text)).toBe(false);
  });
});

describe('findUnstorableText', () => {
  it('finds nothing in well-formed values of any shape', () => {
    for (const value of [null, 1, true, 'ok', [], {}, { a: ['台北 🎉', { b: 2 }] }])
      expect(findUnstorableText(value)).toBeNull();
  });

  it('names the path of the first bad string value', () => {
    expect(findUnstorableText({ messages: [{ type: 'text', text: 'ok' }, { text: 'a\u0000' }] })).toEqual({
      path: 'messages[1].text',
      inKey: false,
    });
    expect(findUnstorableText({ attributes: { 'odd key': '\uD800' } })).toEqual({
      path: 'attributes["odd key"]',
      inKey: false,
    });
    expect(findUnstorableText('\uDC00')).toEqual({ path: 'body', inKey: false });
    expect(findUnstorableText({ q: 'x\u0000' }, 'query')).toEqual({ path: 'query.q', inKey: false });
  });

  it('refuses a bad object key, naming the object that holds it', () => {
    expect(findUnstorableText({ contacts: [{ attributes: { 'a\u0000': 1 } }] })).toEqual({
      path: 'contacts[0].attributes',
      inKey: true,
    });
  });

  it('walks a value nested far deeper than the stack would allow a recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let level = 0; level < 200_000; level++) deep = [deep];
    expect(findUnstorableText(deep)?.inKey).toBe(false);
  });
});
