import { ApiError, FieldProblem } from '../common/api-error';
import {
  ATTRIBUTE_NAME,
  ATTRIBUTE_NAME_PROBLEM,
  AttributeValue,
  attributeRecord,
  attributeValueProblem,
  checkTags,
  ContactWrite,
  CSV_COLUMN_TYPES,
  csvAttributeValue,
  CsvColumnType,
  csvTags,
  csvTypedValue,
  MAX_ATTRIBUTES,
  MAX_DISPLAY_NAME,
} from './contact-input';
import { isLineUserId } from '@lcm/domain/line-messages';
import { isStorableText } from '@lcm/domain/text';
import type { StagedImportResult } from './contact-import.repository';

/** What the request's UTF-8 decoder puts where bytes are not UTF-8 (a Big5 or Latin-1 file). */
const REPLACEMENT = '\uFFFD';
/** A header cell of a file in another encoding: U+FFFD, or the NULs of UTF-16. */
const NOT_UTF8 = /[\uFFFD\u0000]/;
const SAVE_AS_UTF8 = 'save the file as UTF-8 (in Excel: "CSV UTF-8"), not Big5, UTF-16 or another encoding';
export const MAX_LISTED_REJECTIONS = 1_000;

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  rejectedCount: number;
  rejected: { line: number; problem: string }[];
  rejectedTruncated: boolean;
}

interface CsvColumns {
  lineUserId: number;
  displayName: number | null;
  tags: number | null;
  /** A column without a declared type reads its cells as csvAttributeValue does. */
  attributes: { name: string; index: number; type: CsvColumnType | null }[];
  /**
   * Whether a row's attributes can be a plain object: only a column named __proto__ would set the
   * prototype instead of a key. (A plain object is filled and stringified in half the time of one
   * without a prototype, which V8 keeps as a hash table; this runs for every row of the file.)
   */
  plainRecord: boolean;
  count: number;
}

/**
 * The rows of one CSV import: reads the header, turns records into checked contact writes (the
 * caller stages them) and keeps the summary. Rows for the same user are told apart later, where
 * they are staged: the last one wins and the earlier ones are reported (`superseded`).
 */
export class CsvContactImport {
  private columns: CsvColumns | null = null;
  readonly summary: ImportSummary = {
    rows: 0,
    created: 0,
    updated: 0,
    rejectedCount: 0,
    rejected: [],
    rejectedTruncated: false,
  };

  get hasHeader(): boolean {
    return this.columns !== null;
  }

  /** One parsed record (or a record the parser refused): the contact to write, or null (the header, a rejected row). */
  add(line: number, fields: string[] | undefined, problem: string | undefined): ContactWrite | null {
    if (!this.columns) {
      if (problem || !fields)
        throw ApiError.badRequest(`the header row (line ${line}) is malformed: ${problem}`, [
          { field: 'header', problem: problem ?? 'malformed' },
        ]);
      if (fields.some((field) => NOT_UTF8.test(field)))
        throw ApiError.badRequest(`the header row is not UTF-8 text: ${SAVE_AS_UTF8}`, [
          { field: 'header', problem: 'not UTF-8 text' },
        ]);
      this.columns = readHeader(fields);
      return null;
    }
    this.summary.rows++;
    if (problem || !fields) return this.reject(line, problem ?? 'malformed record');
    // Kept, such a row would store U+FFFD in place of the letters the file meant.
    if (fields.some((field) => field.includes(REPLACEMENT)))
      return this.reject(line, `not UTF-8 text (bytes UTF-8 can't read): ${SAVE_AS_UTF8}`);
    const converted = toContactWrite(fields, this.columns);
    if (!converted.ok) return this.reject(line, converted.problem);
    return converted.value;
  }

  /** The staged rows' outcome: written, and the rows a later row for the same user replaced. */
  count(result: StagedImportResult): void {
    this.summary.created += result.created;
    this.summary.updated += result.updated;
    this.summary.rejectedCount += result.supersededCount;
    // Both lists are the first rejections by line: merged, the first MAX_LISTED_REJECTIONS of both.
    const listed = [
      ...this.summary.rejected,
      ...result.superseded.map(({ line, by }) => ({
        line,
        problem: `superseded by line ${by}, which has the same lineUserId`,
      })),
    ].sort((a, b) => a.line - b.line);
    this.summary.rejected = listed.slice(0, MAX_LISTED_REJECTIONS);
    if (this.summary.rejectedCount > this.summary.rejected.length) this.summary.rejectedTruncated = true;
  }

  finish(): ImportSummary {
    if (!this.columns)
      throw ApiError.badRequest('the CSV is empty: it needs a header row (lineUserId,displayName,tags,<attribute>…)', [
        { field: 'header', problem: 'missing' },
      ]);
    this.summary.rejected.sort((a, b) => a.line - b.line);
    return this.summary;
  }

  private reject(line: number, problem: string): null {
    this.summary.rejectedCount++;
    if (this.summary.rejected.length < MAX_LISTED_REJECTIONS) this.summary.rejected.push({ line, problem });
    else this.summary.rejectedTruncated = true;
    return null;
  }
}

/**
 * Header: lineUserId, displayName, tags (by name, in any order), then attribute columns, each
 * `name` or `name:type` (CSV_COLUMN_TYPES).
 */
function readHeader(fields: string[]): CsvColumns {
  const cells = fields.map((field) => field.trim());
  const problems: FieldProblem[] = [];
  const typeOf = new Map<number, CsvColumnType>();
  const names = cells.map((cell, index) => {
    const colon = cell.lastIndexOf(':');
    if (colon === -1) return cell;
    const type = cell
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    if ((CSV_COLUMN_TYPES as readonly string[]).includes(type)) typeOf.set(index, type as CsvColumnType);
    else
      problems.push({
        field: `header[${index}]`,
        problem: `${JSON.stringify(cell.slice(0, 70))} declares an unknown type (${CSV_COLUMN_TYPES.join(', ')})`,
      });
    return cell.slice(0, colon).trim();
  });
  const find = (name: string) => {
    const index = names.findIndex((candidate) => candidate.toLowerCase() === name.toLowerCase());
    return index === -1 ? null : index;
  };
  const lineUserId = find('lineUserId');
  const displayName = find('displayName');
  const tags = find('tags');
  if (lineUserId === null) problems.push({ field: 'header', problem: 'needs a lineUserId column' });
  const special = new Set([lineUserId, displayName, tags]);
  for (const index of special)
    if (index !== null && typeOf.has(index))
      problems.push({ field: `header[${index}]`, problem: `column ${names[index]} takes no type` });
  const attributes: CsvColumns['attributes'] = [];
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (special.has(index)) return;
    if (!ATTRIBUTE_NAME.test(name))
      problems.push({
        field: `header[${index}]`,
        problem: `${JSON.stringify(name.slice(0, 70))} ${ATTRIBUTE_NAME_PROBLEM}`,
      });
    else if (seen.has(name) || ['lineuserid', 'displayname', 'tags'].includes(name.toLowerCase()))
      problems.push({ field: `header[${index}]`, problem: `column ${name} appears twice` });
    seen.add(name);
    attributes.push({ name, index, type: typeOf.get(index) ?? null });
  });
  if (attributes.length > MAX_ATTRIBUTES)
    problems.push({ field: 'header', problem: `at most ${MAX_ATTRIBUTES} attribute columns` });
  if (problems.length)
    throw ApiError.badRequest(
      `the header row is not usable: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`,
      problems,
    );
  const plainRecord = !attributes.some(({ name }) => name === '__proto__');
  return { lineUserId: lineUserId!, displayName, tags, attributes, plainRecord, count: names.length };
}

type Converted = { ok: true; value: ContactWrite } | { ok: false; problem: string };

function toContactWrite(fields: string[], columns: CsvColumns): Converted {
  if (fields.length !== columns.count)
    return { ok: false, problem: `has ${fields.length} fields; the header has ${columns.count}` };
  const lineUserId: string = fields[columns.lineUserId].trim();
  if (!isLineUserId(lineUserId))
    return {
      ok: false,
      problem: `lineUserId: ${JSON.stringify(fields[columns.lineUserId].slice(0, 40))} is not U followed by 32 lowercase hex digits`,
    };
  const row: ContactWrite = { lineUserId };
  if (columns.displayName !== null && fields[columns.displayName] !== '') {
    const displayName = fields[columns.displayName];
    if (displayName.length > MAX_DISPLAY_NAME)
      return { ok: false, problem: `displayName: at most ${MAX_DISPLAY_NAME} characters` };
    if (!isStorableText(displayName))
      return { ok: false, problem: 'displayName: must be valid Unicode text without NUL characters' };
    row.displayName = displayName;
  }
  if (columns.tags !== null) {
    const tags = checkTags(csvTags(fields[columns.tags]));
    if (!tags.ok) return { ok: false, problem: `tags: ${tags.problem}` };
    row.tags = tags.value;
  }
  if (columns.attributes.length) {
    const values: Record<string, AttributeValue> = columns.plainRecord ? {} : attributeRecord<AttributeValue>();
    let any = false;
    for (const { name, index, type } of columns.attributes) {
      let value: AttributeValue | undefined;
      if (type === null) value = csvAttributeValue(fields[index]);
      else {
        const typed = csvTypedValue(fields[index], type);
        if (!typed.ok)
          return {
            ok: false,
            problem: `${name}: ${JSON.stringify(fields[index].slice(0, 40))} ${typed.problem} (the header declares ${name}:${type})`,
          };
        value = typed.value;
      }
      if (value === undefined) continue;
      // The header checked the names and their number: only the value is left to check.
      const problem = attributeValueProblem(value);
      if (problem) return { ok: false, problem: `attributes: ${name}: ${problem}` };
      values[name] = value;
      any = true;
    }
    if (any) row.attributes = values;
  }
  return { ok: true, value: row };
}
