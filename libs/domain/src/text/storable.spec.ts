import { isStorableText } from './index';

describe('isStorableText', () => {
  it('accepts any well-formed text, including emoji (surrogate pairs) and other scripts', () => {
    for (const text of ['', 'plain', '台北 🎉', 'a\tb\nc', '\uD83D\uDE00']) expect(isStorableText(text)).toBe(true);
  });

  it('refuses NUL and lone surrogates, which PostgreSQL text and UTF-8 cannot hold', () => {
    for (const text of ['a\u0000b', '\uD83D', 'x\uDE00', '\uDE00\uD83D']) expect(isStorableText(text)).toBe(false);
  });
});
