/** PostgreSQL text and jsonb can't hold NUL, and a lone surrogate can't be encoded as UTF-8. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string can be stored as PostgreSQL text or inside jsonb. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

export const UNSTORABLE_TEXT_PROBLEM = 'must be valid Unicode text without NUL characters';

/** Where a value holds text PostgreSQL can't store: the path of the field, and whether a key is at fault. */
export interface UnstorableText {
  path: string;
  inKey: boolean;
}

/**
 * The first string (value or object key) anywhere in `value` that isStorableText refuses, with its
 * path (`messages[0].text`, `attributes.city`), or null. Iterative, so a deep value can't exhaust the
 * stack; paths are the API's field names, as validation reports them.
 */
export function findUnstorableText(value: unknown, root = ''): UnstorableText | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return { path: path || 'body', inKey: false };
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--)
        stack.push({ value: current[index], path: `${path}[${index}]` });
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      for (const key of keys) if (!isStorableText(key)) return { path: path || 'body', inKey: true };
      for (let index = keys.length - 1; index >= 0; index--)
        stack.push({ value: (current as Record<string, unknown>)[keys[index]], path: joinField(path, keys[index]) });
    }
  }
  return null;
}

/** `parent.key`, or `parent["odd key"]` when the key is not a plain name. */
export function joinField(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** A count with its noun, singular for one: "1 minute", "30 minutes", "1,000 messages". */
export function plural(value: number, singular: string, pluralForm = `${singular}s`): string {
  return `${value.toLocaleString('en-US')} ${value === 1 ? singular : pluralForm}`;
}
