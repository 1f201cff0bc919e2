/**
 * An audience definition: a tree of rule nodes (docs/domain.md, "Audiences"). Every node is a JSON object
 * with exactly one of the keys below (an attribute node also carries `op` and `value`).
 *
 * Meaning, identical in the in-memory evaluator (evaluate.ts) and the SQL (compile-sql.ts):
 * - `all`: every child matches (an empty `all` matches everyone: `{"all": []}` is the match-all
 *   audience); `any`: some child matches (an empty `any` matches no one, and the validator refuses it).
 * - `not`: plain boolean negation. `{"not": {"attribute": "city", "op": "eq", "value": "Taipei"}}`
 *   includes contacts without a city. The SQL is two-valued (no SQL NULL ever reaches a NOT).
 * - `tag`: the contact's tags contain the tag (exact, case-sensitive). No tags (NULL) → false.
 * - `attribute`: looks up the top-level key `attributes[name]` (a dot in the name is part of the
 *   key, not a path). A key holding JSON null counts as MISSING everywhere. Then:
 *   - `eq`: present, of the same JSON type as the value, and equal (strings exact and
 *     case-sensitive; numbers numerically, so 1 = 1.0; booleans). An array or object never equals.
 *   - `neq`: present and not `eq` ("has the attribute and it differs"); missing → false.
 *   - `in`: `eq` to at least one element.
 *   - `gt`/`gte`/`lt`/`lte` with a number: the attribute is a JSON number, compared numerically
 *     (a string "5" never matches a number). With an ISO date string (iso-instant.ts): the
 *     attribute is a JSON string in the same grammar, and both are compared as instants (a
 *     date-only string is midnight UTC); any other attribute → false.
 *   - `exists` (value omitted or true): present (key there and not JSON null); `value: false`:
 *     missing or JSON null.
 * - `followedWithinDays: n`: followedAt ≥ now − n × 24 h (a future followedAt counts); no
 *   followedAt → false. `interactedWithinDays` likewise with lastInteractionAt. The cutoff is
 *   computed once from the caller's `now` and passed to SQL as a parameter.
 * - `audience`: the referenced audience's rule, inlined. An unknown id or a cycle is an error
 *   (AudienceRuleError), never a silent match-nothing.
 * - `list`: the contact's LINE user id is one of the listed ids.
 * - `tappedPostback: {campaign, label?, withinDays}`: the contact tapped a postback action of that
 *   campaign (with that label, when given) at or after now − withinDays × 24 h (postback_taps).
 * A rule never looks at the contact's status or account: the caller filters those.
 */
export type AudienceRule =
  | AllRule
  | AnyRule
  | NotRule
  | TagRule
  | AttributeRule
  | FollowedWithinDaysRule
  | InteractedWithinDaysRule
  | AudienceReferenceRule
  | ListRule
  | TappedPostbackRule;

export interface AllRule {
  all: AudienceRule[];
}

export interface AnyRule {
  any: AudienceRule[];
}

export interface NotRule {
  not: AudienceRule;
}

export interface TagRule {
  tag: string;
}

/** What an `eq`, `neq` or `in` compares against. */
export type AttributeScalar = string | number | boolean;

export interface AttributeEqualityRule {
  attribute: string;
  op: 'eq' | 'neq';
  value: AttributeScalar;
}

export interface AttributeInRule {
  attribute: string;
  op: 'in';
  value: AttributeScalar[];
}

/** `value` is a number or an ISO date string (see iso-instant.ts). */
export interface AttributeRangeRule {
  attribute: string;
  op: 'gt' | 'gte' | 'lt' | 'lte';
  value: number | string;
}

export interface AttributeExistsRule {
  attribute: string;
  op: 'exists';
  /** Omitted means true. */
  value?: boolean;
}

export type AttributeRule = AttributeEqualityRule | AttributeInRule | AttributeRangeRule | AttributeExistsRule;
export type AttributeOp = AttributeRule['op'];
export type RangeOp = AttributeRangeRule['op'];

export const ATTRIBUTE_OPS: readonly AttributeOp[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'];

export interface FollowedWithinDaysRule {
  followedWithinDays: number;
}

export interface InteractedWithinDaysRule {
  interactedWithinDays: number;
}

export interface AudienceReferenceRule {
  /** Id (UUID, lower case) of another audience on the same LINE account. */
  audience: string;
}

export interface ListRule {
  /** LINE user ids ("U" and 32 lower-case hex digits). */
  list: string[];
}

export interface TappedPostbackRule {
  tappedPostback: {
    /** Id (UUID, lower case) of a campaign of the same account. */
    campaign: string;
    /** Only taps of postback actions with this label (engagement/postback-data.ts); any when omitted. */
    label?: string;
    withinDays: number;
  };
}

/** The key that says what kind a node is. */
export const RULE_KINDS = [
  'all',
  'any',
  'not',
  'tag',
  'attribute',
  'followedWithinDays',
  'interactedWithinDays',
  'audience',
  'list',
  'tappedPostback',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Limits the validator enforces (and the expansion of audience references, see inline.ts). */
export const AUDIENCE_RULE_LIMITS = {
  /** Levels of nesting; the root is level 1. */
  maxDepth: 32,
  /** Rule nodes in one definition (an attribute or list node counts as one). */
  maxNodes: 1000,
  maxInValues: 1000,
  /** LINE user ids in one `list`, and in all the lists of one definition together. */
  maxListIds: 10_000,
  maxDays: 36_500,
  maxTagLength: 100,
  maxStringValueLength: 1000,
  /** A bad tree reports at most this many problems. */
  maxProblems: 50,
  /** After inlining referenced audiences (keeps the SQL a reasonable size). */
  maxExpandedNodes: 10_000,
  maxExpandedDepth: 256,
} as const;

export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** What ATTRIBUTE_NAME_PATTERN asks, in words: the problem an audience rule and a list filter both answer. */
export const ATTRIBUTE_NAME_PROBLEM = 'must be an attribute name of 1 to 64 letters, digits, "_", "." or "-"';
/** What a date value of a rule must be (isIsoInstant), in words. */
export const ISO_DATE_PROBLEM =
  'must be an ISO-8601 date: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" with "Z" or an offset "+HH:MM"';

/** What an audience id resolves to: its rule, or undefined when there is no such audience. */
export type AudienceResolver = (audienceId: string) => AudienceRule | undefined;

export type SegmentContactStatus = 'following' | 'blocked' | 'unfollowed';

/** A contact as the evaluator sees it: the columns of `contacts` a rule can look at. */
export interface SegmentContact {
  lineUserId: string;
  tags: readonly string[] | null;
  /** The JSON object stored in `contacts.attributes` (plain JSON values). */
  attributes: Readonly<Record<string, unknown>>;
  status: SegmentContactStatus;
  followedAt: Date | null;
  lastInteractionAt: Date | null;
  /** The contact's postback taps (postback_taps); none when omitted. */
  postbackTaps?: readonly { campaignId: string; label: string; tappedAt: Date }[];
}

export interface RuleContext {
  /** The instant time windows count back from. */
  now: Date;
  /** Needed when the rule (or an audience it references) has `audience` nodes. */
  resolveAudience?: AudienceResolver;
}

export type AudienceRuleErrorCode = 'audience_cycle' | 'unknown_audience' | 'rule_too_large';

/** A rule that validated on its own but cannot be evaluated or compiled with its references. */
export class AudienceRuleError extends Error {
  constructor(
    readonly code: AudienceRuleErrorCode,
    message: string,
    /** The chain of audience ids involved (for a cycle: the chain that closes it). */
    readonly audienceIds: readonly string[] = [],
  ) {
    super(message);
    this.name = 'AudienceRuleError';
  }
}

/** What kind of node a (well-typed) rule is. */
export function ruleKindOf(rule: AudienceRule): RuleKind {
  if ('all' in rule) return 'all';
  if ('any' in rule) return 'any';
  if ('not' in rule) return 'not';
  if ('tag' in rule) return 'tag';
  if ('attribute' in rule) return 'attribute';
  if ('followedWithinDays' in rule) return 'followedWithinDays';
  if ('interactedWithinDays' in rule) return 'interactedWithinDays';
  if ('audience' in rule) return 'audience';
  if ('list' in rule) return 'list';
  if ('tappedPostback' in rule) return 'tappedPostback';
  return assertNever(rule);
}

export function assertNever(value: never): never {
  throw new TypeError(`not an audience rule node: ${JSON.stringify(value)}`);
}

/** Cutoff instant of a "within n days" window: now − n × 24 h. */
export function windowCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 86_400_000);
}

export function assertValidNow(now: Date): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date');
}
