import fc from 'fast-check';
import { csvAttributeValue, csvTypedValue } from './contact-input';
import { CsvItem, CsvParser } from './csv-parser';

function parseAll(text: string, chunkSizes: number[] = [text.length || 1], options = {}): CsvItem[] {
  const parser = new CsvParser(options);
  const items: CsvItem[] = [];
  let pos = 0;
  let turn = 0;
  while (pos < text.length) {
    const size = Math.max(1, chunkSizes[turn++ % chunkSizes.length]);
    items.push(...parser.push(text.slice(pos, pos + size)));
    pos += size;
  }
  items.push(...parser.end());
  return items;
}

describe('CsvParser', () => {
  it('parses quoted fields with commas, doubled quotes and line breaks, and numbers lines', () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\n2,"two\nlines",z\n\n3,,\n';
    expect(parseAll(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'two\nlines', 'z'] },
      { line: 6, fields: ['3', '', ''] },
    ]);
  });

  it('reports malformed records with their line and goes on with the next one', () => {
    const text = 'h1,h2\nok,1\nbad"quote,2\n"closed"junk,3\nfine,4\n"never closed,5\n';
    const items = parseAll(text);
    expect(items.map((item) => [item.line, item.fields ?? item.problem])).toEqual([
      [1, ['h1', 'h2']],
      [2, ['ok', '1']],
      [3, expect.stringContaining('quote inside unquoted field 1')],
      [4, expect.stringContaining('after the closing quote')],
      [5, ['fine', '4']],
      [6, 'unclosed quoted field'],
    ]);
  });

  it('skips a record longer than the limit without holding the rest of the file', () => {
    const text = `a\n"${'x'.repeat(500)}\nb\nc\n`;
    const items = parseAll(text, [64], { maxRecordLength: 100 });
    expect(items[0]).toEqual({ line: 1, fields: ['a'] });
    expect(items[1]).toMatchObject({ line: 2, problem: expect.stringContaining('longer than 100') });
    expect(items.slice(2)).toEqual([
      { line: 3, fields: ['b'] },
      { line: 4, fields: ['c'] },
    ]);
  });

  it('gives the same records however the input is split into chunks, a surrogate pair split in two included', () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', '界', '😀') }),
      fc.constant(''),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        (records, chunks) => {
          const text = records
            .map((fields) => fields.map((field) => `"${field.replace(/"/g, '""')}"`).join(','))
            .join('\r\n');
          const whole = parseAll(text);
          expect(parseAll(text, chunks)).toEqual(whole);
          expect(whole.map((item) => item.fields)).toEqual(records);
        },
      ),
    );
  });

  it('numbers lines the same however the input is split, malformed rows and CRLF, CR or LF endings included', () => {
    // Unquoted cells, some with a stray quote (a malformed row the parser resynchronises after).
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '"', '界', '😀') });
    const ending = fc.constantFrom('\r\n', '\n', '\r');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(cell, { minLength: 1, maxLength: 3 }), ending), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        (records, chunks) => {
          const text = records.map(([fields, end]) => fields.join(',') + end).join('');
          expect(parseAll(text, chunks)).toEqual(parseAll(text));
        },
      ),
    );
  });

  it('resynchronises after a malformed row whose CRLF is split between two chunks', () => {
    const text = 'h\r\nbad"x\r\nok\r\n';
    const expected = [
      { line: 1, fields: ['h'] },
      { line: 2, problem: expect.stringContaining('quote inside unquoted field 1') },
      { line: 3, fields: ['ok'] },
    ];
    expect(parseAll(text)).toEqual(expected);
    expect(parseAll(text, [text.indexOf('x') + 2, 100])).toEqual(expected);
  });

  it('strips a byte-order mark', () => {
    expect(parseAll('\ufeffa,b\n')).toEqual([{ line: 1, fields: ['a', 'b'] }]);
  });
});

describe('csvAttributeValue', () => {
  it.each([
    ['42', 42],
    ['-3.5', -3.5],
    ['1e3', 1000],
    ['true', true],
    ['FALSE', false],
    ['', undefined],
    ['0912345678', '0912345678'],
    ['12345678901234567890', '12345678901234567890'],
    // 15 digits keep exactly as a number, 16 may not (a sign is not a digit).
    ['123456789012345', 123456789012345],
    ['-123456789012345', -123456789012345],
    ['1234567890123456', '1234567890123456'],
    ['1234567890.123456', 1234567890.123456],
    ['2024-05-01', '2024-05-01'],
    ['Taipei', 'Taipei'],
    ['0', 0],
  ])('%j becomes %j', (cell, value) => {
    expect(csvAttributeValue(cell)).toEqual(value);
  });
});

describe('csvTypedValue', () => {
  it.each([
    ['0912345678', 'number', 912345678],
    ['-3.5', 'number', -3.5],
    ['1e3', 'number', 1000],
    ['42', 'string', '42'],
    ['true', 'string', 'true'],
    [' TRUE ', 'boolean', true],
    ['false', 'boolean', false],
    ['2024-05-01', 'date', '2024-05-01'],
    ['2024-05-01T10:00+08:00', 'date', '2024-05-01T10:00+08:00'],
    ['', 'number', undefined],
  ] as const)('%j as %s is %j', (cell, type, value) => {
    expect(csvTypedValue(cell, type)).toEqual({ ok: true, value });
  });

  it.each([
    ['abc', 'number', 'is not a number'],
    ['0x10', 'number', 'is not a number'],
    ['1e400', 'number', 'is not a number'],
    ['12345678901234567890', 'number', 'more digits'],
    ['yes', 'boolean', 'is not true or false'],
    ['2024-02-30', 'date', 'is not a date'],
    ['2024-05-01T10:00', 'date', 'is not a date'],
    ['May 1st', 'date', 'is not a date'],
  ] as const)('refuses %j as %s', (cell, type, problem) => {
    expect(csvTypedValue(cell, type)).toEqual({ ok: false, problem: expect.stringContaining(problem) });
  });
});
