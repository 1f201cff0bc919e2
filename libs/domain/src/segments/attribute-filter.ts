import { AttributeRule, AttributeScalar, ATTRIBUTE_OPS, AttributeOp, ISO_DATE_PROBLEM } from './rule.types';
import { isIsoInstant } from './iso-instant';
import { validateAudienceRule } from './validate-rule';

/** A number written in decimal: `30`, `-1.5`, `+2`, `.5`, `1e3` (the grammar of a CSV `:number` column). */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** How a filter's value, given as text (a query string), is read: the attribute's JSON type. */
export const ATTRIBUTE_VALUE_TYPES = ['text', 'number', 'boolean', 'date'] as const;
export type AttributeValueType = (typeof ATTRIBUTE_VALUE_TYPES)[number];

export interface AttributeFilterInput {
  attribute: string;
  op?: AttributeOp;
  /** `in` takes a comma-separated list; `exists` takes true/false or nothing. */
  value?: string;
  valueType?: AttributeValueType;
}

export type AttributeFilterResult =
  { ok: true; rule: AttributeRule } | { ok: false; problems: { field: string; problem: string }[] };

/**
 * One attribute condition typed from text, as an audience rule node, so that a list filter and an
 * audience mean exactly the same thing (rule.types.ts) and compile to the same SQL.
 */
export function attributeFilterRule(input: AttributeFilterInput): AttributeFilterResult {
  const op = input.op ?? 'eq';
  const type = input.valueType ?? 'text';
  if (!ATTRIBUTE_OPS.includes(op)) return fail('op', `must be one of ${ATTRIBUTE_OPS.join(', ')}`);
  const problems: { field: string; problem: string }[] = [];
  const typed = (text: string): AttributeScalar | undefined => {
    if (type === 'number') {
      // Decimal only, as a CSV column declared a number: Number() would also read 0x12, 0b10 and 0o7.
      const n = DECIMAL.test(text.trim()) ? Number(text) : NaN;
      if (!Number.isFinite(n)) problems.push({ field: 'value', problem: `"${text}" is not a number` });
      return n;
    }
    if (type === 'boolean') {
      if (text !== 'true' && text !== 'false') problems.push({ field: 'value', problem: 'must be true or false' });
      return text === 'true';
    }
    // A date compared by the rule validator alone would be told "a number or an ISO-8601 date".
    if (type === 'date' && !isIsoInstant(text)) problems.push({ field: 'value', problem: ISO_DATE_PROBLEM });
    return text;
  };
  let candidate: unknown;
  if (op === 'exists') {
    if (input.value !== undefined && input.value !== 'true' && input.value !== 'false')
      return fail('value', 'with op exists: true, false or nothing');
    candidate = { attribute: input.attribute, op, value: input.value !== 'false' };
  } else {
    if (input.value === undefined) return fail('value', `is needed with op ${op}`);
    if (type === 'boolean' && !['eq', 'neq', 'in'].includes(op))
      return fail('valueType', `a yes/no attribute compares with eq, neq or in, not ${op}`);
    if (type === 'text' && ['gt', 'gte', 'lt', 'lte'].includes(op))
      return fail('valueType', `${op} compares numbers or dates: set valueType to number or date`);
    const value = op === 'in' ? input.value.split(',').map((part) => typed(part.trim())) : typed(input.value);
    if (problems.length) return { ok: false, problems };
    candidate = { attribute: input.attribute, op, value };
  }
  const checked = validateAudienceRule(candidate, 'filter');
  if (!checked.ok)
    return {
      ok: false,
      problems: checked.errors.map((error) => ({
        field: error.field.replace(/^filter\.?/, '') || 'attribute',
        problem: error.problem,
      })),
    };
  return { ok: true, rule: checked.rule as AttributeRule };
}

function fail(field: string, problem: string): AttributeFilterResult {
  return { ok: false, problems: [{ field, problem }] };
}
