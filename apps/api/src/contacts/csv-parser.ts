/**
 * A small incremental RFC 4180 parser: feed it text as it arrives, get back the complete records.
 * Fields are separated by commas, records by CRLF, LF or CR; a field in double quotes may hold
 * commas, line breaks and doubled quotes (""). Memory stays bounded: only the unfinished record is
 * kept between chunks, and a record longer than `maxRecordLength` is refused and skipped up to the
 * next line break, so one stray quote can't swallow the rest of a large file.
 */
export type CsvItem =
  /** `line` is the physical line (1-based) on which the record starts. */
  { line: number; fields: string[]; problem?: undefined } | { line: number; fields?: undefined; problem: string };

export interface CsvParserOptions {
  maxRecordLength?: number;
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;

type Scan =
  | { kind: 'record'; fields: string[]; end: number }
  | { kind: 'error'; problem: string; at: number }
  | { kind: 'incomplete' };

export class CsvParser {
  private readonly maxRecordLength: number;
  private pending = '';
  private line = 1;
  /** After an over-long record: drop text until the next line break. */
  private skipping = false;
  private started = false;

  constructor(options: CsvParserOptions = {}) {
    this.maxRecordLength = options.maxRecordLength ?? 65_536;
  }

  /** The records completed by this chunk. */
  push(chunk: string): CsvItem[] {
    if (!this.started) {
      this.started = chunk.length > 0;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // a byte-order mark
    }
    return this.parse(this.pending + chunk, false);
  }

  /** The records left when the input has ended. */
  end(chunk = ''): CsvItem[] {
    const items = chunk ? this.push(chunk) : [];
    items.push(...this.parse(this.pending, true));
    this.pending = '';
    return items;
  }

  private parse(text: string, final: boolean): CsvItem[] {
    const items: CsvItem[] = [];
    let pos = 0;
    while (pos < text.length) {
      if (this.skipping) {
        const next = nextLineBreak(text, pos);
        if (next === -1) {
          pos = text.length;
          break;
        }
        if (openCr(text, next, final)) {
          pos = next; // kept: its LF, if it has one, comes with the next chunk
          break;
        }
        this.skipping = false;
        pos = afterLineBreak(text, next);
        this.line++;
        continue;
      }
      const scan = scanRecord(text, pos, final);
      if (scan.kind === 'incomplete') {
        if (text.length - pos > this.maxRecordLength) {
          items.push({
            line: this.line,
            problem: `record longer than ${this.maxRecordLength} characters (an unclosed quote?); skipped to the next line`,
          });
          this.skipping = true;
          const end = openCr(text, text.length - 1, final) ? text.length - 1 : text.length;
          this.line += countLineBreaks(text, pos, end);
          pos = end;
        }
        break;
      }
      const startLine = this.line;
      if (scan.kind === 'error') {
        items.push({ line: startLine, problem: scan.problem });
        // Resynchronise at the next line break after the error.
        const next = nextLineBreak(text, scan.at);
        this.line += countLineBreaks(text, pos, next === -1 ? text.length : next);
        if (next === -1 || openCr(text, next, final)) {
          // Resynchronised by the skipping above, in this chunk or the next.
          this.skipping = !final;
          pos = next === -1 ? text.length : next;
          break;
        }
        pos = afterLineBreak(text, next);
        this.line++;
        continue;
      }
      this.line += countLineBreaks(text, pos, scan.end);
      if (scan.end > pos && scan.end - pos > this.maxRecordLength) {
        items.push({ line: startLine, problem: `record longer than ${this.maxRecordLength} characters` });
      } else if (!(scan.fields.length === 1 && scan.fields[0] === '' && isBlankLine(text, pos))) {
        items.push({ line: startLine, fields: scan.fields });
      }
      pos = scan.end;
    }
    this.pending = pos < text.length ? text.slice(pos) : '';
    return items;
  }
}

/** Scans one record from `start`; `end` is the index after its line break. */
function scanRecord(text: string, start: number, final: boolean): Scan {
  const fields: string[] = [];
  let i = start;
  const length = text.length;
  for (;;) {
    if (i < length && text.charCodeAt(i) === QUOTE) {
      // A quoted field: runs to the quote not followed by another quote.
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1)
          return final ? { kind: 'error', problem: 'unclosed quoted field', at: length } : { kind: 'incomplete' };
        if (quote + 1 >= length && !final) return { kind: 'incomplete' };
        if (text.charCodeAt(quote + 1) === QUOTE) {
          value += text.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        value += text.slice(from, quote);
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i >= length) return final ? { kind: 'record', fields, end: i } : { kind: 'incomplete' };
      const code = text.charCodeAt(i);
      if (code === COMMA) {
        i++;
        continue;
      }
      if (code === LF || code === CR) {
        if (code === CR && i + 1 >= length && !final) return { kind: 'incomplete' };
        return { kind: 'record', fields, end: afterLineBreak(text, i) };
      }
      return {
        kind: 'error',
        problem: `unexpected character after the closing quote of field ${fields.length}`,
        at: i,
      };
    }
    // An unquoted field: runs to a comma or a line break; a quote inside it is malformed.
    let j = i;
    for (; j < length; j++) {
      const code = text.charCodeAt(j);
      if (code === COMMA || code === LF || code === CR) break;
      if (code === QUOTE)
        return {
          kind: 'error',
          problem: `a quote inside unquoted field ${fields.length + 1} (quote the whole field and double the quote)`,
          at: j,
        };
    }
    fields.push(text.slice(i, j));
    if (j >= length) return final ? { kind: 'record', fields, end: j } : { kind: 'incomplete' };
    const code = text.charCodeAt(j);
    if (code === COMMA) {
      i = j + 1;
      continue;
    }
    if (code === CR && j + 1 >= length && !final) return { kind: 'incomplete' };
    return { kind: 'record', fields, end: afterLineBreak(text, j) };
  }
}

function nextLineBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === LF || code === CR) return i;
  }
  return -1;
}

/**
 * A CR that ends a chunk of a stream still going: whether it ends its line alone or with an LF is
 * up to the next chunk, so it is kept for then (counted once as one line break either way).
 */
function openCr(text: string, at: number, final: boolean): boolean {
  return !final && at === text.length - 1 && text.charCodeAt(at) === CR;
}

function afterLineBreak(text: string, at: number): number {
  return text.charCodeAt(at) === CR && text.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
}

/** Line breaks (CRLF counted once) in text[from, to). */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === LF) count++;
    else if (code === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

function isBlankLine(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return at >= text.length || code === LF || code === CR;
}
