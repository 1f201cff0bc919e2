import { isIsoInstant } from './iso-instant';
import { isStorableText } from '../text';
import {
  ATTRIBUTE_NAME_PATTERN,
  ATTRIBUTE_NAME_PROBLEM,
  ATTRIBUTE_OPS,
  AttributeOp,
  AttributeRule,
  AttributeScalar,
  AUDIENCE_RULE_LIMITS as LIMITS,
  AudienceRule,
  ISO_DATE_PROBLEM,
  RULE_KINDS,
  RuleKind,
  TappedPostbackRule,
} from './rule.types';
import { POSTBACK_LABEL_PATTERN } from '../engagement/postback-data';
import { isLineUserId } from '../line-messages/user-ids';

/** One thing wrong with a definition: `field` is the path of the bad node or key. */
export interface AudienceRuleProblem {
  field: string;
  problem: string;
}

export type AudienceRuleValidation = { ok: true; rule: AudienceRule } | { ok: false; errors: AudienceRuleProblem[] };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KIND_LIST = RULE_KINDS.map((kind) => `"${kind}"`).join(', ');

type Fields = Record<string, unknown>;

interface Walk {
  root: string;
  errors: AudienceRuleProblem[];
  nodes: number;
  listIds: number;
}

/**
 * Checks an audience definition from outside (a request body, a stored row) and returns it in
 * canonical form (fresh objects, audience ids in lower case), or the problems found, each naming
 * the path of the bad node or key, e.g. `definition.all[2].op`. Decisions beyond the tree's grammar (docs/domain.md, "Audiences"):
 * - each node has exactly one kind key; an attribute node also has `op` and (except `exists`) `value`;
 * - `any`, `list` and `in` values must not be empty; an empty `all` is the match-all audience
 *   (everyone who follows: the recipients are following contacts whatever the rule);
 * - at most 32 levels and 1000 nodes; at most 10,000 list ids in the whole definition;
 * - strings (tags, values) must be encodable in PostgreSQL: no NUL, no lone surrogate.
 */
export function validateAudienceRule(input: unknown, path = 'definition'): AudienceRuleValidation {
  const walk: Walk = { root: path, errors: [], nodes: 0, listIds: 0 };
  const rule = checkNode(input, path, 1, walk);
  if (walk.errors.length > 0 || rule === undefined) return { ok: false, errors: walk.errors };
  return { ok: true, rule };
}

/** Like validateAudienceRule, for trusted data (stored definitions, tests): throws with every problem. */
export function assertValidAudienceRule(input: unknown, path = 'definition'): AudienceRule {
  const result = validateAudienceRule(input, path);
  if (result.ok) return result.rule;
  throw new RangeError(
    `invalid audience rule: ${result.errors.map((error) => `${error.field}: ${error.problem}`).join('; ')}`,
  );
}

function report(walk: Walk, field: string, problem: string): undefined {
  if (walk.errors.length < LIMITS.maxProblems) walk.errors.push({ field, problem });
  return undefined;
}

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyPath(parent: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function checkNode(input: unknown, path: string, depth: number, walk: Walk): AudienceRule | undefined {
  if (depth > LIMITS.maxDepth) return report(walk, path, `is nested too deeply (at most ${LIMITS.maxDepth} levels)`);
  walk.nodes += 1;
  if (walk.nodes > LIMITS.maxNodes) {
    // Reported once, at the root; the rest of the tree is not walked.
    if (walk.nodes === LIMITS.maxNodes + 1) report(walk, walk.root, `has more than ${LIMITS.maxNodes} rule nodes`);
    return undefined;
  }
  if (!isRecord(input)) return report(walk, path, `must be a rule object with one of ${KIND_LIST}`);

  const keys = Object.keys(input);
  const kinds = keys.filter((key): key is RuleKind => (RULE_KINDS as readonly string[]).includes(key));
  if (kinds.length === 0) {
    const found = keys.length === 0 ? 'it is empty' : `found ${keys.map((key) => `"${key}"`).join(', ')}`;
    return report(walk, path, `must have one of ${KIND_LIST} (${found})`);
  }
  if (kinds.length > 1) {
    return report(
      walk,
      path,
      `must have exactly one of ${KIND_LIST}, not ${kinds.map((kind) => `"${kind}"`).join(' and ')}`,
    );
  }
  const kind = kinds[0];
  const allowed = kind === 'attribute' ? ['attribute', 'op', 'value'] : [kind];
  let clean = true;
  for (const key of keys) {
    if (!allowed.includes(key)) {
      clean = false;
      report(walk, keyPath(path, key), `is not allowed in a "${kind}" rule`);
    }
  }
  const rule = checkKind(kind, input, path, depth, walk);
  return clean ? rule : undefined;
}

function checkKind(kind: RuleKind, input: Fields, path: string, depth: number, walk: Walk): AudienceRule | undefined {
  const field = `${path}.${kind}`;
  const value = input[kind];
  switch (kind) {
    case 'all':
    case 'any': {
      const children = checkChildren(value, field, depth, walk, kind === 'all');
      if (!children) return undefined;
      return kind === 'all' ? { all: children } : { any: children };
    }
    case 'not': {
      const child = checkNode(value, field, depth + 1, walk);
      return child && { not: child };
    }
    case 'tag': {
      const tag = checkText(value, field, { minLength: 1, maxLength: LIMITS.maxTagLength }, walk);
      return tag === undefined ? undefined : { tag };
    }
    case 'attribute':
      return checkAttribute(input, path, walk);
    case 'followedWithinDays':
    case 'interactedWithinDays': {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > LIMITS.maxDays) {
        return report(walk, field, `must be a whole number of days from 1 to ${LIMITS.maxDays}`);
      }
      return kind === 'followedWithinDays' ? { followedWithinDays: value } : { interactedWithinDays: value };
    }
    case 'audience': {
      if (typeof value !== 'string' || !UUID_PATTERN.test(value))
        return report(walk, field, 'must be the id (a UUID) of another audience');
      return { audience: value.toLowerCase() };
    }
    case 'list':
      return checkList(value, field, walk);
    case 'tappedPostback':
      return checkTappedPostback(value, field, walk);
  }
}

function checkTappedPostback(value: unknown, field: string, walk: Walk): TappedPostbackRule | undefined {
  if (!isRecord(value))
    return report(walk, field, 'must be {"campaign": <campaign id>, "label"?: <label>, "withinDays": n}');
  let valid = true;
  for (const key of Object.keys(value))
    if (!['campaign', 'label', 'withinDays'].includes(key)) {
      valid = false;
      report(walk, keyPath(field, key), 'is not allowed in a "tappedPostback" rule');
    }
  const { campaign, label, withinDays } = value;
  if (typeof campaign !== 'string' || !UUID_PATTERN.test(campaign)) {
    valid = false;
    report(walk, `${field}.campaign`, 'must be the id (a UUID) of a campaign');
  }
  if (label !== undefined && (typeof label !== 'string' || !POSTBACK_LABEL_PATTERN.test(label))) {
    valid = false;
    report(
      walk,
      `${field}.label`,
      'must be a postback label of 1 to 32 letters, digits, "_" or "-" (or left out: any)',
    );
  }
  if (
    typeof withinDays !== 'number' ||
    !Number.isInteger(withinDays) ||
    withinDays < 1 ||
    withinDays > LIMITS.maxDays
  ) {
    valid = false;
    report(walk, `${field}.withinDays`, `must be a whole number of days from 1 to ${LIMITS.maxDays}`);
  }
  if (!valid) return undefined;
  return {
    tappedPostback: {
      campaign: (campaign as string).toLowerCase(),
      ...(label !== undefined ? { label: label as string } : {}),
      withinDays: withinDays as number,
    },
  };
}

function checkChildren(
  value: unknown,
  field: string,
  depth: number,
  walk: Walk,
  mayBeEmpty: boolean,
): AudienceRule[] | undefined {
  if (!Array.isArray(value)) return report(walk, field, 'must be an array of rules');
  if (value.length === 0 && !mayBeEmpty)
    return report(walk, field, 'must hold at least one rule (an empty "all" matches everyone)');
  const children: AudienceRule[] = [];
  let valid = true;
  value.forEach((child: unknown, index) => {
    const rule = checkNode(child, `${field}[${index}]`, depth + 1, walk);
    if (rule === undefined) valid = false;
    else children.push(rule);
  });
  return valid ? children : undefined;
}

function checkText(
  value: unknown,
  field: string,
  limits: { minLength: number; maxLength: number },
  walk: Walk,
): string | undefined {
  if (typeof value !== 'string') return report(walk, field, 'must be a string');
  if (value.length < limits.minLength) return report(walk, field, 'must not be empty');
  if (value.length > limits.maxLength) return report(walk, field, `must be at most ${limits.maxLength} characters`);
  if (!isStorableText(value)) return report(walk, field, 'must be valid Unicode text without NUL characters');
  return value;
}

function checkAttribute(input: Fields, path: string, walk: Walk): AttributeRule | undefined {
  const rawName = input.attribute;
  const name = typeof rawName === 'string' && ATTRIBUTE_NAME_PATTERN.test(rawName) ? rawName : undefined;
  if (name === undefined) report(walk, `${path}.attribute`, ATTRIBUTE_NAME_PROBLEM);

  const op = ATTRIBUTE_OPS.find((candidate) => candidate === input.op);
  if (op === undefined) {
    return report(
      walk,
      `${path}.op`,
      `must be one of ${ATTRIBUTE_OPS.map((candidate) => `"${candidate}"`).join(', ')}`,
    );
  }
  // The value is checked even when the name is bad, so that one answer lists both problems.
  const rule = checkAttributeValue(name ?? '', op, input, `${path}.value`, walk);
  return name === undefined ? undefined : rule;
}

function checkAttributeValue(
  attribute: string,
  op: AttributeOp,
  input: Fields,
  field: string,
  walk: Walk,
): AttributeRule | undefined {
  const value = input.value;
  switch (op) {
    case 'eq':
    case 'neq': {
      const scalar = checkScalar(value, field, walk);
      return scalar === undefined ? undefined : { attribute, op, value: scalar };
    }
    case 'in': {
      if (!Array.isArray(value) || value.length === 0 || value.length > LIMITS.maxInValues) {
        return report(walk, field, `must be an array of 1 to ${LIMITS.maxInValues} strings, numbers or booleans`);
      }
      const scalars = value.map((element: unknown, index) => checkScalar(element, `${field}[${index}]`, walk));
      const valid = scalars.every((scalar): scalar is AttributeScalar => scalar !== undefined);
      return valid ? { attribute, op, value: scalars } : undefined;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && isIsoInstant(value))) {
        return { attribute, op, value };
      }
      return report(walk, field, `must be a number or ${ISO_DATE_PROBLEM.replace(/^must be /, '')}`);
    case 'exists':
      if (!Object.prototype.hasOwnProperty.call(input, 'value')) return { attribute, op };
      if (typeof value === 'boolean') return { attribute, op, value };
      return report(walk, field, 'must be true or false, or left out (true)');
  }
}

function checkScalar(value: unknown, field: string, walk: Walk): AttributeScalar | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : report(walk, field, 'must be a finite number');
  if (typeof value === 'string')
    return checkText(value, field, { minLength: 0, maxLength: LIMITS.maxStringValueLength }, walk);
  return report(walk, field, 'must be a string, a number or a boolean (use "exists" to test for a missing attribute)');
}

function checkList(value: unknown, field: string, walk: Walk): AudienceRule | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > LIMITS.maxListIds) {
    return report(walk, field, `must be an array of 1 to ${LIMITS.maxListIds} LINE user ids`);
  }
  let valid = true;
  value.forEach((id: unknown, index) => {
    if (isLineUserId(id)) return;
    valid = false;
    report(walk, `${field}[${index}]`, 'must be a LINE user id: "U" and 32 lower-case hexadecimal digits');
  });
  walk.listIds += value.length;
  if (walk.listIds > LIMITS.maxListIds && walk.listIds - value.length <= LIMITS.maxListIds) {
    return report(walk, field, `takes the definition's lists past ${LIMITS.maxListIds} LINE user ids in total`);
  }
  return valid ? { list: value.filter((id): id is string => typeof id === 'string') } : undefined;
}
