import { compareIsoInstants, IsoInstant, parseIsoInstant } from './iso-instant';
import { inlineAudienceReferences } from './inline';
import {
  AttributeRangeRule,
  AttributeRule,
  AttributeScalar,
  AudienceRule,
  RangeOp,
  RuleContext,
  SegmentContact,
  assertNever,
  assertValidNow,
  windowCutoff,
} from './rule.types';

/** Whether one contact matches a rule (see rule.types.ts for the meaning of every node). */
export type ContactMatcher = (contact: SegmentContact) => boolean;

/**
 * Prepares a rule for matching many contacts: inlines referenced audiences once, computes the
 * time-window cutoffs from `now` once, and turns lists into sets. Throws AudienceRuleError for an
 * unknown audience or a cycle, exactly where compileRuleToSql does.
 */
export function createRuleMatcher(rule: AudienceRule, context: RuleContext): ContactMatcher {
  assertValidNow(context.now);
  return matcherOf(inlineAudienceReferences(rule, context.resolveAudience), context.now);
}

/** Whether `contact` matches `rule`; for many contacts, createRuleMatcher is cheaper. */
export function evaluateRule(rule: AudienceRule, contact: SegmentContact, context: RuleContext): boolean {
  return createRuleMatcher(rule, context)(contact);
}

function matcherOf(rule: AudienceRule, now: Date): ContactMatcher {
  if ('all' in rule) {
    const children = rule.all.map((child) => matcherOf(child, now));
    return (contact) => children.every((child) => child(contact));
  }
  if ('any' in rule) {
    const children = rule.any.map((child) => matcherOf(child, now));
    return (contact) => children.some((child) => child(contact));
  }
  if ('not' in rule) {
    const child = matcherOf(rule.not, now);
    return (contact) => !child(contact);
  }
  if ('tag' in rule) {
    const tag = rule.tag;
    return (contact) => contact.tags !== null && contact.tags.includes(tag);
  }
  if ('attribute' in rule) {
    const test = attributeTest(rule);
    const name = rule.attribute;
    return (contact) => test(presentAttribute(contact.attributes, name));
  }
  if ('followedWithinDays' in rule) {
    const cutoff = windowCutoff(now, rule.followedWithinDays).getTime();
    return (contact) => contact.followedAt !== null && contact.followedAt.getTime() >= cutoff;
  }
  if ('interactedWithinDays' in rule) {
    const cutoff = windowCutoff(now, rule.interactedWithinDays).getTime();
    return (contact) => contact.lastInteractionAt !== null && contact.lastInteractionAt.getTime() >= cutoff;
  }
  if ('list' in rule) {
    const ids = new Set(rule.list);
    return (contact) => ids.has(contact.lineUserId);
  }
  if ('tappedPostback' in rule) {
    const { campaign, label, withinDays } = rule.tappedPostback;
    const cutoff = windowCutoff(now, withinDays).getTime();
    return (contact) =>
      (contact.postbackTaps ?? []).some(
        (tap) =>
          tap.campaignId === campaign &&
          (label === undefined || tap.label === label) &&
          tap.tappedAt.getTime() >= cutoff,
      );
  }
  if ('audience' in rule) throw new TypeError('audience references are inlined before matching');
  return assertNever(rule);
}

/**
 * The attribute's value, or undefined when it is missing. JSON null counts as missing, and so do
 * values JSON cannot store (undefined, NaN, ±Infinity: JSON.stringify writes them as null or drops
 * them), so that the evaluator sees what PostgreSQL would hold.
 */
export function presentAttribute(attributes: Readonly<Record<string, unknown>>, name: string): unknown {
  // A non-object attributes value (possible only through hand-written SQL) has no keys, as in SQL.
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return undefined;
  if (!Object.prototype.hasOwnProperty.call(attributes, name)) return undefined;
  const value = attributes[name];
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  return value;
}

/** The same JSON type and equal: a string never equals a number, an array or object never equals. */
function equalsScalar(actual: unknown, expected: AttributeScalar): boolean {
  return typeof actual === typeof expected && actual === expected;
}

function attributeTest(rule: AttributeRule): (actual: unknown) => boolean {
  switch (rule.op) {
    case 'eq': {
      const expected = rule.value;
      return (actual) => equalsScalar(actual, expected);
    }
    case 'neq': {
      const expected = rule.value;
      return (actual) => actual !== undefined && !equalsScalar(actual, expected);
    }
    case 'in': {
      const expected = rule.value;
      return (actual) => expected.some((value) => equalsScalar(actual, value));
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return rangeTest(rule);
    case 'exists': {
      const wanted = rule.value ?? true;
      return (actual) => (actual !== undefined) === wanted;
    }
  }
}

function rangeTest(rule: AttributeRangeRule): (actual: unknown) => boolean {
  const { op, value } = rule;
  if (typeof value === 'number') {
    return (actual) => typeof actual === 'number' && holds(op, actual < value ? -1 : actual > value ? 1 : 0);
  }
  const bound = parseIsoInstant(value);
  if (bound === undefined) throw new TypeError(`not an ISO date: ${JSON.stringify(value)}; validate the rule first`);
  return (actual) => {
    const instant: IsoInstant | undefined = typeof actual === 'string' ? parseIsoInstant(actual) : undefined;
    return instant !== undefined && holds(op, compareIsoInstants(instant, bound));
  };
}

/** Whether `actual <op> bound` holds, given the sign of the comparison of actual with bound. */
function holds(op: RangeOp, comparison: number): boolean {
  switch (op) {
    case 'gt':
      return comparison > 0;
    case 'gte':
      return comparison >= 0;
    case 'lt':
      return comparison < 0;
    case 'lte':
      return comparison <= 0;
  }
}
