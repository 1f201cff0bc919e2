import { epochSecondsText, parseIsoInstant } from './iso-instant';
import { inlineAudienceReferences } from './inline';
import {
  AttributeRangeRule,
  AttributeRule,
  AttributeScalar,
  AudienceResolver,
  AudienceRule,
  RangeOp,
  TappedPostbackRule,
  assertNever,
  assertValidNow,
  windowCutoff,
} from './rule.types';

export interface CompileRuleOptions {
  /** Alias of the `contacts` table in the caller's query. */
  alias?: string;
  /** Number of the first placeholder this predicate may use ($1 by default). */
  firstParam?: number;
  /** The instant time windows count back from (the same `now` the evaluator would get). */
  now: Date;
  resolveAudience?: AudienceResolver;
}

export interface CompiledPredicate {
  /** A boolean SQL expression over the aliased `contacts` row; never NULL. */
  sql: string;
  /**
   * Values of $firstParam, $firstParam + 1, …, all strings (arrays travel as PostgreSQL array
   * literals), so any driver passes them unchanged: node-postgres, Prisma's $queryRawUnsafe.
   */
  params: string[];
}

/**
 * Compiles a rule into one parameterized PostgreSQL predicate with exactly the evaluator's meaning,
 * for `SELECT … FROM contacts c WHERE c.line_account_id = $1 AND c.status = 'following' AND (<sql>)`.
 *
 * - No value from the rule is ever SQL text: tags, attribute names and values, list ids and the
 *   time-window cutoffs are all placeholders (the text depends only on the tree's shape and on
 *   whether a range bound is a number or a date).
 * - Every leaf is NULL-free, so NOT and OR stay two-valued like the evaluator: either a guard such
 *   as `c.tags IS NOT NULL AND …` (which keeps the leaf index-friendly inside an AND), or COALESCE.
 * - No cast can fail on odd data: numbers are cast only under `jsonb_typeof(…) = 'number'`; date
 *   ranges read the instants PostgreSQL derived at write time (ATTRIBUTE_INSTANTS_COLUMN), which
 *   hold only strings in the ISO grammar.
 * - Index-friendly forms: `tags @> ARRAY[…]` and `attributes @> '{"k": v}'` (GIN), time windows as
 *   `followed_at >= $n` (btree), list as `line_user_id = ANY($n)`.
 * Throws AudienceRuleError for an unknown referenced audience, a cycle, or an expansion too large.
 */
export function compileRuleToSql(rule: AudienceRule, options: CompileRuleOptions): CompiledPredicate {
  const alias = options.alias ?? 'c';
  if (!/^[a-z_][a-z0-9_]*$/.test(alias))
    throw new RangeError(`alias must be a plain lower-case SQL identifier, got ${JSON.stringify(alias)}`);
  const firstParam = options.firstParam ?? 1;
  if (!Number.isInteger(firstParam) || firstParam < 1)
    throw new RangeError('firstParam must be a whole number, 1 or more');
  assertValidNow(options.now);

  const params = new Placeholders(firstParam);
  const expanded = inlineAudienceReferences(rule, options.resolveAudience);
  const sql = compileNode(expanded, { alias, now: options.now, params });
  return { sql, params: params.values };
}

type SqlType = 'text' | 'text[]' | 'jsonb' | 'jsonb[]' | 'numeric' | 'timestamptz' | 'uuid';

/**
 * Allocates placeholders, reusing one for the same value of the same type (an attribute name is
 * typically used two or three times by one leaf). Every placeholder carries an explicit cast, so
 * PostgreSQL never has to guess a parameter's type from its first use.
 */
class Placeholders {
  readonly values: string[] = [];
  private readonly numbers = new Map<string, number>();

  constructor(private readonly first: number) {}

  of(type: SqlType, value: string | string[]): string {
    const text = typeof value === 'string' ? value : arrayLiteral(value);
    const key = `${type}:${text}`;
    let number = this.numbers.get(key);
    if (number === undefined) {
      number = this.first + this.values.length;
      this.values.push(text);
      this.numbers.set(key, number);
    }
    return `$${number}::${type}`;
  }
}

/**
 * PostgreSQL's text form of an array: every element double-quoted, with backslash and double quote
 * escaped by a backslash (so "NULL", commas and braces stay plain text).
 */
function arrayLiteral(elements: readonly string[]): string {
  return `{${elements.map((element) => `"${element.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

interface Compilation {
  alias: string;
  now: Date;
  params: Placeholders;
}

function compileNode(rule: AudienceRule, at: Compilation): string {
  const { alias, params } = at;
  if ('all' in rule)
    return rule.all.length === 0 ? 'TRUE' : `(${rule.all.map((child) => compileNode(child, at)).join(' AND ')})`;
  if ('any' in rule)
    return rule.any.length === 0 ? 'FALSE' : `(${rule.any.map((child) => compileNode(child, at)).join(' OR ')})`;
  if ('not' in rule) return `(NOT ${compileNode(rule.not, at)})`;
  if ('tag' in rule) return `(${alias}.tags IS NOT NULL AND ${alias}.tags @> ARRAY[${params.of('text', rule.tag)}])`;
  if ('attribute' in rule) return compileAttribute(rule, at);
  if ('followedWithinDays' in rule) return compileWindow(`${alias}.followed_at`, rule.followedWithinDays, at);
  if ('interactedWithinDays' in rule)
    return compileWindow(`${alias}.last_interaction_at`, rule.interactedWithinDays, at);
  if ('list' in rule) return `${alias}.line_user_id = ANY(${params.of('text[]', rule.list)})`;
  if ('tappedPostback' in rule) return compileTappedPostback(rule, at);
  if ('audience' in rule) throw new TypeError('audience references are inlined before compiling');
  return assertNever(rule);
}

/** The table of postback taps the webhook records (one row per tap, per contact's LINE user id). */
export const POSTBACK_TAPS_TABLE = 'postback_taps';

function compileTappedPostback(rule: TappedPostbackRule, at: Compilation): string {
  const { alias, params } = at;
  const { campaign, label, withinDays } = rule.tappedPostback;
  const tap = `${alias}_tap`; // never the caller's alias
  const cutoff = params.of('timestamptz', windowCutoff(at.now, withinDays).toISOString());
  const campaignId = params.of('uuid', campaign);
  const labelTest = label === undefined ? '' : ` AND ${tap}.label = ${params.of('text', label)}`;
  // EXISTS is never NULL; the index on (account, user, campaign, time) serves it.
  return (
    `EXISTS (SELECT 1 FROM ${POSTBACK_TAPS_TABLE} ${tap} WHERE ${tap}.line_account_id = ${alias}.line_account_id` +
    ` AND ${tap}.line_user_id = ${alias}.line_user_id AND ${tap}.campaign_id = ${campaignId}${labelTest}` +
    ` AND ${tap}.tapped_at >= ${cutoff})`
  );
}

function compileWindow(column: string, days: number, at: Compilation): string {
  const cutoff = at.params.of('timestamptz', windowCutoff(at.now, days).toISOString());
  return `(${column} IS NOT NULL AND ${column} >= ${cutoff})`;
}

/** `{"<name>": <value>}` as JSON text, built without an object so that any key (even "__proto__") is kept. */
function singleKeyObjectJson(name: string, value: string | number | boolean): string {
  return `{${JSON.stringify(name)}:${JSON.stringify(value)}}`;
}

function compileAttribute(rule: AttributeRule, at: Compilation): string {
  const { alias, params } = at;
  // Placeholders are allocated only for what the SQL uses: PostgreSQL refuses an unreferenced one.
  const json = () => `(${alias}.attributes -> ${params.of('text', rule.attribute)})`;
  // JSON null counts as missing: jsonb_typeof gives 'null' for it and SQL NULL for a missing key.
  const present = () => `jsonb_typeof(${json()}) <> 'null'`;
  const contains = (value: AttributeScalar) =>
    `${alias}.attributes @> ${params.of('jsonb', singleKeyObjectJson(rule.attribute, value))}`;
  switch (rule.op) {
    case 'eq':
      // Containment at the top level matches exactly "same JSON type and equal" for a scalar value.
      return contains(rule.value);
    case 'neq':
      return `COALESCE(${present()} AND NOT (${contains(rule.value)}), false)`;
    case 'in':
      // jsonb equality: same type and equal (numbers numerically, strings byte for byte).
      return `COALESCE(${json()} = ANY(${params.of(
        'jsonb[]',
        rule.value.map((value) => JSON.stringify(value)),
      )}), false)`;
    case 'exists':
      return (rule.value ?? true) ? `COALESCE(${present()}, false)` : `(NOT COALESCE(${present()}, false))`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compileRange(rule, at);
  }
}

const SQL_OPERATOR: Record<RangeOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

/**
 * The column PostgreSQL keeps beside `attributes` (generated, so every writer fills it): for each
 * attribute whose value is a string in the ISO grammar of iso-instant.ts, its instant as epoch
 * seconds (a JSON number, exact to the microsecond); NULL when there is none. Date ranges compare
 * that number, so no row pays for matching the grammar or parsing a date at query time.
 */
export const ATTRIBUTE_INSTANTS_COLUMN = 'attribute_instants';

function compileRange(rule: AttributeRangeRule, at: Compilation): string {
  const { alias, params } = at;
  const operator = SQL_OPERATOR[rule.op];
  const name = params.of('text', rule.attribute);
  if (typeof rule.value === 'number') {
    // String(number) is the shortest text that reads back as the same double, so PostgreSQL's
    // numeric comparison orders it exactly as JavaScript orders the number.
    const bound = params.of('numeric', String(rule.value));
    const json = `(${alias}.attributes -> ${name})`;
    return `(CASE WHEN jsonb_typeof(${json}) = 'number' THEN ${json}::numeric ${operator} ${bound} ELSE false END)`;
  }
  const instant = parseIsoInstant(rule.value);
  if (!instant) throw new TypeError(`not an ISO date: ${JSON.stringify(rule.value)}; validate the rule first`);
  const bound = params.of('numeric', epochSecondsText(instant));
  // The column holds only numbers, so the cast cannot fail; a missing key (or a NULL column) is false.
  return `COALESCE((${alias}.${ATTRIBUTE_INSTANTS_COLUMN} -> ${name})::numeric ${operator} ${bound}, false)`;
}
