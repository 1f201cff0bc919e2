import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

/**
 * The pieces of the OpenAPI-driven fuzz test (test/fuzz.e2e-spec.ts): a request model, the fixed
 * set of hostile mutations of a valid request, bodies derived from schemas, and a fingerprint of
 * the database to tell whether a refused request wrote anything.
 */

export interface FuzzRequest {
  method: string;
  /** The OpenAPI path with its parameters filled in. */
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  /** A JSON value, or raw text when `raw` is set (CSV, a broken body). undefined: no body. */
  body?: unknown;
  raw?: string;
  contentType?: string;
}

export interface Mutation {
  name: string;
  request: FuzzRequest;
}

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

const nest = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
};

/** Values a field may be swapped for: wrong types, null, huge, hostile text, out-of-range numbers. */
const FIELD_VALUES: [string, (current: unknown) => unknown][] = [
  ['null', () => null],
  ['wrong type', (current) => wrongType(current)],
  ['empty string', () => ''],
  ['huge string', () => 'x'.repeat(100_000)],
  ['U+0000', (current) => (typeof current === 'string' ? `${current}\u0000` : 'a\u0000b')],
  ['lone surrogate', (current) => (typeof current === 'string' ? `${current}\ud800` : '\udc00x')],
  ['int4 + 1', () => 2_147_483_648],
  ['1e21', () => 1e21],
  ['1e308', () => 1e308],
  ['negative', () => -1],
  ['int4 min - 1', () => -2_147_483_649],
  ['fraction', () => 1.5],
  ['empty array', () => []],
  // An object wrapped in a list: class-validator's @ValidateNested takes a list for an object.
  ['the value in a list', (current) => [current]],
  ['object', () => ({ $where: "1'; DROP TABLE users; --" })],
  ['deep nesting', () => nest(70)],
  ['year 275760', () => '+275760-09-13T00:00:00.000Z'],
  ['year 0', () => '0000-01-01T00:00:00Z'],
];

function wrongType(current: unknown): unknown {
  if (typeof current === 'string') return 12345;
  if (typeof current === 'number') return String(current);
  if (typeof current === 'boolean') return 'true';
  if (Array.isArray(current)) return { 0: current[0] };
  if (current && typeof current === 'object') return 'an object';
  return true;
}

/** Every path of a JSON value (objects and arrays too), at most `limit` of them, in document order. */
export function pathsOf(value: unknown, limit = 40): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const walk = (current: unknown, path: (string | number)[]) => {
    if (paths.length >= limit) return;
    if (path.length) paths.push(path);
    if (Array.isArray(current)) current.slice(0, 2).forEach((item, index) => walk(item, [...path, index]));
    else if (current && typeof current === 'object')
      for (const [key, item] of Object.entries(current)) walk(item, [...path, key]);
  };
  walk(value, []);
  return paths;
}

function getAt(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<string | number, unknown>)?.[key], value);
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown, remove = false): unknown {
  const copy = clone(value);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (remove) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = replacement;
  return copy;
}

/**
 * A copy with keys named like Object members added to the object at `path` (the body itself for
 * []): Nest and class-transformer once dropped them without a word. "__proto__" is made an own key,
 * as JSON.parse makes it, so it is sent rather than setting the copy's prototype.
 */
function withObjectMemberKeys(value: unknown, path: (string | number)[]): unknown {
  const copy = clone(value);
  const target = path.length ? getAt(copy, path) : copy;
  const keys: [string, unknown][] = [
    ['constructor', 'x'],
    ['toString', 'x'],
    ['hasOwnProperty', 1],
    ['__proto__', { admin: true }],
  ];
  for (const [key, item] of keys)
    Object.defineProperty(target, key, { value: item, enumerable: true, writable: true, configurable: true });
  return copy;
}

const isPlainObject = (value: unknown): value is object =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const label = (path: (string | number)[]) =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');

/** Keys named like members of Object.prototype, which Nest and class-transformer skip. */
export const OBJECT_MEMBER_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__'];

/** Cursors that decode but were never issued: a date and a non-UUID, years JavaScript takes and PostgreSQL doesn't. */
export const HOSTILE_CURSORS = [
  Buffer.from(JSON.stringify([new Date().toISOString(), '-'.repeat(36)])).toString('base64url'),
  Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', randomUUID()])).toString('base64url'),
  Buffer.from(JSON.stringify(['-271821-04-20T00:00:00.000Z', randomUUID()])).toString('base64url'),
  Buffer.from(JSON.stringify({ after: `U${'0'.repeat(32)}'` })).toString('base64url'),
  Buffer.from('not json').toString('base64url'),
];

const QUERY_VALUES: [string, string | string[]][] = [
  ['wrong type', 'abc'],
  ['negative', '-1'],
  ['1e21', '1e21'],
  ['int4 + 1', '2147483648'],
  ['empty', ''],
  ['U+0000', 'a\u0000b'],
  ['huge', 'x'.repeat(10_000)],
  ['repeated', ['1', '2']],
  ['year 275760', '+275760-09'],
  ['month 9999-12', '9999-12'],
  ['month 0000-01', '0000-01'],
];

const PARAM_VALUES: [string, string][] = [
  ['not a uuid', 'not-a-uuid'],
  ['unknown uuid', randomUUID()],
  ['U+0000', `${randomUUID().slice(0, 35)}\u0000`],
  ['huge', 'x'.repeat(5_000)],
  ['uppercase uuid', randomUUID().toUpperCase()],
  ['1e21', '1e21'],
];

/** The fixed set of hostile mutations of a valid request. */
export function mutationsOf(valid: FuzzRequest, declaredQuery: string[]): Mutation[] {
  const mutations: Mutation[] = [];
  const add = (name: string, change: Partial<FuzzRequest>) =>
    mutations.push({ name, request: { ...valid, ...change } });

  for (const param of Object.keys(valid.params))
    for (const [name, value] of PARAM_VALUES)
      add(`path ${param}: ${name}`, { params: { ...valid.params, [param]: value } });

  for (const param of new Set([...declaredQuery, ...Object.keys(valid.query)])) {
    for (const [name, value] of QUERY_VALUES)
      add(`query ${param}: ${name}`, { query: { ...valid.query, [param]: value } });
    if (param === 'cursor')
      HOSTILE_CURSORS.forEach((cursor, index) =>
        add(`query cursor: hand-made ${index}`, { query: { ...valid.query, cursor } }),
      );
  }
  add('query: unknown parameter zzz', { query: { ...valid.query, zzz: '1' } });
  // Named like Object members: Nest and class-transformer drop such keys without a word.
  for (const key of OBJECT_MEMBER_NAMES)
    add(`query: unknown parameter ${key}`, { query: { ...valid.query, [key]: '1' } });

  if (valid.raw !== undefined) {
    add('raw body: U+0000', { raw: `${valid.raw}\u0000\n` });
    add('raw body: lone surrogate', { raw: valid.raw.replace(/\n/, '\ud800\n') });
    add('raw body: huge line', { raw: `${valid.raw}${'x'.repeat(200_000)}\n` });
    add('raw body: empty', { raw: '' });
    add('raw body: as JSON', { raw: '{"a": 1}', contentType: 'application/json' });
    add('no body', { raw: undefined, contentType: undefined });
    return mutations;
  }

  // The body as a whole: the wrong shape, broken, too deep, the wrong media type, none at all.
  const text = JSON.stringify(valid.body ?? {});
  add('body: array', { body: [] });
  add('body: a JSON string', { body: undefined, raw: '"text"', contentType: 'application/json' });
  add('body: the JSON null', { body: undefined, raw: 'null', contentType: 'application/json' });
  add('body: malformed JSON', { body: undefined, raw: '{"broken": ', contentType: 'application/json' });
  add('body: nested 10,000 deep', { body: undefined, raw: `{"a": ${'['.repeat(10_000)}${']'.repeat(10_000)}}` });
  add('body: nested 65 deep', { body: { ...(valid.body as object), deep: nest(64) } });
  add('body: text/plain', { body: undefined, raw: text, contentType: 'text/plain' });
  add('body: form-urlencoded', { body: undefined, raw: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' });
  add('body: none', { body: undefined, raw: undefined, contentType: undefined });
  add('body: unknown field', { body: { ...(valid.body as object), zzzUnknown: 1 } });
  add('body: __proto__ key', { body: undefined, raw: text.replace(/^\{/, '{"__proto__": {"admin": true},') });

  if (isPlainObject(valid.body))
    add('body: keys named like Object members', { body: withObjectMemberKeys(valid.body, []) });
  if (valid.body && typeof valid.body === 'object')
    for (const path of pathsOf(valid.body)) {
      if (isPlainObject(getAt(valid.body, path)))
        add(`body ${label(path)}: keys named like Object members`, { body: withObjectMemberKeys(valid.body, path) });
      add(`body ${label(path)}: missing`, { body: setAt(valid.body, path, undefined, true) });
      for (const [name, make] of FIELD_VALUES)
        add(`body ${label(path)}: ${name}`, { body: setAt(valid.body, path, make(getAt(valid.body, path))) });
    }
  return mutations;
}

/** A deterministic PRNG (mulberry32), so a seed picks the same sample every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sample<T>(items: T[], count: number, random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy.slice(0, count);
}

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  example?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  nullable?: boolean;
  minimum?: number;
};

/** A plausible value for a schema: its example, else one built from its type (used for operations without a known-good example). */
export function sampleOf(
  schema: Schema | undefined,
  components: Record<string, Schema>,
  ids: { uuid: string },
): unknown {
  if (!schema) return undefined;
  if (schema.$ref) return sampleOf(components[schema.$ref.split('/').pop()!], components, ids);
  if (schema.example !== undefined) return clone(schema.example);
  if (schema.enum?.length) return schema.enum[0];
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => sampleOf(part, components, ids)));
  if (schema.oneOf?.length) return sampleOf(schema.oneOf[0], components, ids);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return ids.uuid;
      if (schema.format === 'date-time') return '2030-01-01T00:00:00Z';
      return 'sample';
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [sampleOf(schema.items, components, ids)];
    default: {
      const result: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(key) || property.example !== undefined)
          result[key] = sampleOf(property, components, ids);
      }
      return result;
    }
  }
}

/**
 * A fingerprint of every table: its row count and an md5 over its rows as JSON. Columns every
 * authenticated request touches (a token's last use) are left out: they are not a write of the
 * request's subject.
 */
export async function fingerprint(pool: Pool): Promise<Record<string, string>> {
  const tables = (
    await pool.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
        ORDER BY table_name`,
    )
  ).rows.map((row) => row.name);
  const rowText = `(to_jsonb(t) - 'last_used_at' - 'last_seen_at')::text`;
  const query = tables
    .map(
      (name) =>
        `SELECT '${name}' AS name, count(*)::text || ':' || coalesce(md5(string_agg(${rowText}, ',' ORDER BY ${rowText})), '') AS sum FROM "${name}" t`,
    )
    .join(' UNION ALL ');
  const rows = (await pool.query<{ name: string; sum: string }>(query)).rows;
  return Object.fromEntries(rows.map((row) => [row.name, row.sum]));
}

export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
}
