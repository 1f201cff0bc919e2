import { isLineUserId } from '@lcm/domain/line-messages';
import { isStorableText } from '@lcm/domain/text';
import { ATTRIBUTE_NAME_PATTERN, isIsoInstant } from '@lcm/domain/segments';
import { isApiDateTime } from '@lcm/domain/time/instant-range';
import { INSTANT_PROBLEM } from '../common/instant';

/**
 * One contact row to write, checked and normalised. A field left undefined was not given: an
 * existing contact keeps its value and a new one gets the default (no name, no tags, no
 * attributes, `following`, no dates). Attributes given are merged key by key into the existing ones;
 * an attribute given as null is removed (`removedAttributes`).
 */
export interface ContactWrite {
  lineUserId: string;
  displayName?: string | null;
  tags?: string[];
  attributes?: Record<string, AttributeValue>;
  /** Attribute names given as null: deleted from the stored attributes. */
  removedAttributes?: string[];
  status?: ContactStatusName;
  followedAt?: string | null;
  lastInteractionAt?: string | null;
}

export type AttributeValue = string | number | boolean;

export const CONTACT_STATUSES = ['following', 'blocked', 'unfollowed'] as const;
export type ContactStatusName = (typeof CONTACT_STATUSES)[number];

export const MAX_CONTACTS_PER_REQUEST = 10_000;
export const MAX_DISPLAY_NAME = 200;
export const MAX_TAGS = 100;
export const MAX_TAG_LENGTH = 100;
export const MAX_ATTRIBUTES = 100;
export const MAX_ATTRIBUTE_STRING = 1_000;
/** Attribute names: the ones audience rules can name (1 to 64 letters, digits, _, . or -). */
export const ATTRIBUTE_NAME = ATTRIBUTE_NAME_PATTERN;
export const ATTRIBUTE_NAME_PROBLEM = 'is not an attribute name (1 to 64 letters, digits, _, . or -)';
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const KNOWN_FIELDS = new Set([
  'lineUserId',
  'displayName',
  'tags',
  'attributes',
  'status',
  'followedAt',
  'lastInteractionAt',
]);

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The body of a bulk upsert: `{contacts: [...]}` with at most MAX_CONTACTS_PER_REQUEST rows, each checked later on its own. */
export function checkUpsertBody(
  body: unknown,
): { ok: true; value: unknown[] } | { ok: false; field: string; problem: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, field: 'body', problem: 'must be an object {contacts: [...]}' };
  const unknownField = Object.keys(body).find((key) => key !== 'contacts');
  if (unknownField !== undefined) return { ok: false, field: unknownField, problem: 'unknown field' };
  const { contacts } = body as { contacts?: unknown };
  if (!Array.isArray(contacts)) return { ok: false, field: 'contacts', problem: 'must be an array' };
  if (contacts.length > MAX_CONTACTS_PER_REQUEST) {
    return {
      ok: false,
      field: 'contacts',
      problem: `at most ${MAX_CONTACTS_PER_REQUEST} contacts per request; split the upload`,
    };
  }
  return { ok: true, value: contacts };
}

/** Checks one element of a bulk upsert; every problem of the row is named in one sentence. */
export function checkContactInput(input: unknown): Checked<ContactWrite> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, problem: 'must be an object' };
  const row = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(row)) if (!KNOWN_FIELDS.has(key)) problems.push(`${key}: unknown field`);
  const value: ContactWrite = { lineUserId: row.lineUserId as string };
  if (!isLineUserId(row.lineUserId)) problems.push('lineUserId: must be U followed by 32 lowercase hex digits');
  if (row.displayName !== undefined) {
    const problem = displayNameProblem(row.displayName);
    if (problem) problems.push(`displayName: ${problem}`);
    else value.displayName = row.displayName as string | null;
  }
  if (row.tags !== undefined) {
    const tags = checkTags(row.tags);
    if (tags.ok) value.tags = tags.value;
    else problems.push(`tags: ${tags.problem}`);
  }
  if (row.attributes !== undefined) {
    const attributes = checkAttributes(row.attributes, { nullRemoves: true });
    if (attributes.ok) {
      value.attributes = attributeRecord<AttributeValue>();
      for (const [name, inner] of Object.entries(attributes.value)) {
        if (inner !== null) value.attributes[name] = inner;
        else (value.removedAttributes ??= []).push(name);
      }
    } else problems.push(`attributes: ${attributes.problem}`);
  }
  if (row.status !== undefined) {
    if (CONTACT_STATUSES.includes(row.status as ContactStatusName)) value.status = row.status as ContactStatusName;
    else problems.push(`status: must be one of ${CONTACT_STATUSES.join(', ')}`);
  }
  for (const key of ['followedAt', 'lastInteractionAt'] as const) {
    if (row[key] === undefined) continue;
    const time = checkTime(row[key]);
    if (time.ok) value[key] = time.value;
    else problems.push(`${key}: ${time.problem}`);
  }
  return problems.length ? { ok: false, problem: problems.join('; ') } : { ok: true, value };
}

function displayNameProblem(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return 'must be a string or null';
  if (value.length > MAX_DISPLAY_NAME) return `at most ${MAX_DISPLAY_NAME} characters`;
  if (!isStorableText(value)) return 'must be valid Unicode text without NUL characters';
  return null;
}

export function checkTags(value: unknown): Checked<string[]> {
  if (!Array.isArray(value)) return { ok: false, problem: 'must be an array of strings' };
  const tags = new Set<string>();
  for (const tag of value) {
    if (typeof tag !== 'string') return { ok: false, problem: 'must be an array of strings' };
    const trimmed = tag.trim();
    if (!trimmed || trimmed.length > MAX_TAG_LENGTH || CONTROL_CHARACTERS.test(trimmed) || !isStorableText(trimmed)) {
      return { ok: false, problem: `each tag must be 1 to ${MAX_TAG_LENGTH} characters without control characters` };
    }
    tags.add(trimmed);
  }
  if (tags.size > MAX_TAGS) return { ok: false, problem: `at most ${MAX_TAGS} tags` };
  return { ok: true, value: [...tags] };
}

/**
 * An empty record of attributes without a prototype, so that "__proto__" (a valid attribute name)
 * is an ordinary key instead of an assignment to the object's prototype that would drop it.
 */
export function attributeRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Checks an attributes object; with `nullRemoves`, null is a value too (the caller removes those attributes). */
export function checkAttributes(value: unknown): Checked<Record<string, AttributeValue>>;
export function checkAttributes(
  value: unknown,
  options: { nullRemoves: true },
): Checked<Record<string, AttributeValue | null>>;
export function checkAttributes(
  value: unknown,
  options?: { nullRemoves: true },
): Checked<Record<string, AttributeValue | null>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'must be an object' };
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) return { ok: false, problem: `at most ${MAX_ATTRIBUTES} attributes` };
  const attributes = attributeRecord<AttributeValue | null>();
  for (const [name, inner] of entries) {
    if (!ATTRIBUTE_NAME.test(name))
      return { ok: false, problem: `${JSON.stringify(name.slice(0, 70))} ${ATTRIBUTE_NAME_PROBLEM}` };
    const problem = inner === null && options?.nullRemoves ? null : attributeValueProblem(inner);
    if (problem) return { ok: false, problem: `${name}: ${problem}` };
    attributes[name] = inner as AttributeValue | null;
  }
  return { ok: true, value: attributes };
}

/** What is wrong with an attribute's value, or null when it can be stored. */
export function attributeValueProblem(value: unknown): string | null {
  if (typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must be a finite number';
  if (typeof value === 'string') {
    if (value.length > MAX_ATTRIBUTE_STRING) return `at most ${MAX_ATTRIBUTE_STRING} characters`;
    return isStorableText(value) ? null : 'must be valid Unicode text without NUL characters';
  }
  return 'must be a string, a number or a boolean (dates as ISO-8601 strings)';
}

function checkTime(value: unknown): Checked<string | null> {
  if (value === null) return { ok: true, value: null };
  if (!isApiDateTime(value)) return { ok: false, problem: `${INSTANT_PROBLEM}, or null` };
  return { ok: true, value: new Date(value).toISOString() };
}

/**
 * A CSV attribute cell: numbers become JSON numbers, true/false booleans, everything else stays a
 * string (dates too). Numbers with leading zeros (phone numbers, postal codes) and integers too long
 * to keep exactly stay strings, so no digit is ever lost. Empty cells are omitted (undefined).
 */
export function csvAttributeValue(cell: string): AttributeValue | undefined {
  if (cell === '') return undefined;
  const lower = cell.length <= 5 ? cell.toLowerCase() : '';
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (NUMBER.test(cell)) {
    const number = Number(cell);
    // A cell of at most 15 characters has at most 15 digits: only a longer one needs counting.
    const digits = cell.length <= 15 ? '' : cell.replace(/[^0-9]/g, '').replace(/^0+/, '');
    if (Number.isFinite(number) && (digits.length <= 15 || /[.eE]/.test(cell))) return number;
  }
  return cell;
}
/** No leading zeros: `0912345678` stays a string. */
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** The types a CSV header may give an attribute column: `age:number`, `signupDate:date`. */
export const CSV_COLUMN_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type CsvColumnType = (typeof CSV_COLUMN_TYPES)[number];

/** Plain decimal notation, leading zeros allowed (a declared number column means a number). */
const DECLARED_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A CSV cell of a column whose header declares its type, or the problem when it doesn't fit. Empty
 * cells are omitted (undefined) as in untyped columns. A date is kept as the string it is, and
 * must be in the ISO grammar audience rules compare as dates (YYYY-MM-DD or a date-time with offset).
 */
export function csvTypedValue(cell: string, type: CsvColumnType): Checked<AttributeValue | undefined> {
  if (cell === '') return { ok: true, value: undefined };
  switch (type) {
    case 'string':
      return { ok: true, value: cell };
    case 'number': {
      const number = Number(cell);
      if (!DECLARED_NUMBER.test(cell.trim()) || !Number.isFinite(number))
        return { ok: false, problem: 'is not a number' };
      const integer = !/[.eE]/.test(cell);
      if (integer && !Number.isSafeInteger(number))
        return { ok: false, problem: 'has more digits than a number keeps exactly (declare the column :string)' };
      return { ok: true, value: number };
    }
    case 'boolean': {
      const lower = cell.trim().toLowerCase();
      if (lower === 'true' || lower === 'false') return { ok: true, value: lower === 'true' };
      return { ok: false, problem: 'is not true or false' };
    }
    case 'date':
      return isIsoInstant(cell.trim())
        ? { ok: true, value: cell.trim() }
        : {
            ok: false,
            problem: 'is not a date (YYYY-MM-DD, or a date-time with offset such as 2026-11-23T10:00+08:00)',
          };
  }
}

/** The tags cell of a CSV row: `|`-separated, blanks dropped. */
export function csvTags(cell: string): string[] {
  return cell === ''
    ? []
    : cell
        .split('|')
        .map((tag) => tag.trim())
        .filter(Boolean);
}
