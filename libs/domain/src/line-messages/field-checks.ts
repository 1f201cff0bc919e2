import { childPath, isJsonObject, JsonObject, ProblemList } from './problems';

/**
 * Small, reusable checks on one property of a JSON object. Each reports at most one problem for
 * the property and returns the value when it is usable, so callers can go on checking deeper.
 *
 * Lengths are counted in UTF-16 code units (`string.length`): where LINE's counting differs for
 * characters outside the BMP, this errs on the strict side, which is the safe side for a sender.
 */

export const MUST_BE_SPECIFIED = 'must be specified';

/** The property and its value when it is given (null counts as absent); absent and required is a problem. */
function given(
  obj: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
  required: boolean | undefined,
): { property: string; value: unknown } | null {
  const property = childPath(path, key);
  const value = obj[key];
  if (value !== undefined && value !== null) return { property, value };
  if (required) problems.add(property, MUST_BE_SPECIFIED);
  return null;
}

export interface StringRule {
  required?: boolean;
  /** Inclusive; 1 unless said otherwise, so an empty string is refused like LINE does. */
  min?: number;
  max?: number;
}

export function checkString(
  obj: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
  rule: StringRule = {},
): string | undefined {
  const field = given(obj, key, path, problems, rule.required);
  if (!field) return undefined;
  const { property, value } = field;
  if (typeof value !== 'string') {
    problems.add(property, 'must be a string');
    return undefined;
  }
  const min = rule.min ?? 1;
  if (value.length === 0 && min > 0) {
    problems.add(property, 'May not be empty');
    return undefined;
  }
  if (value.length < min || (rule.max !== undefined && value.length > rule.max)) {
    problems.add(property, `Length must be between ${min} and ${rule.max ?? 'unlimited'}`);
    return undefined;
  }
  return value;
}

export function checkEnum<T extends string>(
  obj: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
  allowed: readonly T[],
  required = false,
): T | undefined {
  const field = given(obj, key, path, problems, required);
  if (!field) return undefined;
  const { property, value } = field;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    problems.add(property, `Must be one of the following values: [${allowed.join(', ')}]`);
    return undefined;
  }
  return value as T;
}

export interface NumberRule {
  required?: boolean;
  integer?: boolean;
  min?: number;
  max?: number;
}

export function checkNumber(
  obj: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
  rule: NumberRule = {},
): number | undefined {
  const field = given(obj, key, path, problems, rule.required);
  if (!field) return undefined;
  const { property, value } = field;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.add(property, 'must be a number');
    return undefined;
  }
  if (rule.integer && !Number.isInteger(value)) {
    problems.add(property, 'must be an integer');
    return undefined;
  }
  if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) {
    problems.add(property, `must be between ${rule.min ?? '-infinity'} and ${rule.max ?? 'infinity'}`);
    return undefined;
  }
  return value;
}

export function checkBoolean(obj: JsonObject, key: string, path: string, problems: ProblemList): boolean | undefined {
  const field = given(obj, key, path, problems, false);
  if (!field) return undefined;
  const { property, value } = field;
  if (typeof value !== 'boolean') {
    problems.add(property, 'must be a boolean');
    return undefined;
  }
  return value;
}

export function checkObject(
  obj: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
  required = false,
): JsonObject | undefined {
  const field = given(obj, key, path, problems, required);
  if (!field) return undefined;
  const { property, value } = field;
  if (!isJsonObject(value)) {
    problems.add(property, 'must be an object');
    return undefined;
  }
  return value;
}

export interface ArrayRule {
  required?: boolean;
  min?: number;
  max?: number;
}

export function checkArray(
  obj: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
  rule: ArrayRule = {},
): unknown[] | undefined {
  const field = given(obj, key, path, problems, rule.required);
  if (!field) return undefined;
  const { property, value } = field;
  if (!Array.isArray(value)) {
    problems.add(property, 'must be an array');
    return undefined;
  }
  const min = rule.min ?? 0;
  if (value.length < min || (rule.max !== undefined && value.length > rule.max)) {
    problems.add(property, `Size must be between ${min} and ${rule.max ?? 'unlimited'}`);
    // Still usable: the caller may check the items, which gives more useful detail.
  }
  return value;
}

/** Media URLs: LINE fetches them over HTTPS only, at most 2000 characters. */
export function checkHttpsUrl(
  obj: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
  rule: { required?: boolean; max?: number } = {},
): string | undefined {
  const value = checkString(obj, key, path, problems, { required: rule.required, max: rule.max ?? 2000 });
  if (value === undefined) return undefined;
  if (!hasScheme(value, ['https:'])) {
    problems.add(childPath(path, key), 'must be a valid HTTPS URL');
    return undefined;
  }
  return value;
}

/** Link URIs (URI actions, imagemap links): http, https, line and tel schemes, at most 1000 characters. */
export function checkLinkUri(
  obj: JsonObject,
  key: string,
  path: string,
  problems: ProblemList,
  rule: { required?: boolean; max?: number } = {},
): string | undefined {
  const value = checkString(obj, key, path, problems, { required: rule.required, max: rule.max ?? 1000 });
  if (value === undefined) return undefined;
  if (!hasScheme(value, ['http:', 'https:', 'line:', 'tel:'])) {
    problems.add(childPath(path, key), 'invalid uri scheme: must be http, https, line or tel');
    return undefined;
  }
  return value;
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;

export function checkColor(obj: JsonObject, key: string, path: string, problems: ProblemList): void {
  const value = checkString(obj, key, path, problems);
  if (value !== undefined && !HEX_COLOR.test(value))
    problems.add(childPath(path, key), 'must be a hex color code such as #RRGGBB');
}

function hasScheme(value: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(value);
    if (!schemes.includes(url.protocol)) return false;
    // http(s) URLs need a host; `https:foo` parses but is not something LINE can fetch.
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.hostname.length > 0 : true;
  } catch {
    return false;
  }
}
