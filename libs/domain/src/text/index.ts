/** PostgreSQL text and jsonb can't hold NUL, and a lone surrogate can't be encoded as UTF-8. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string can be stored as PostgreSQL text or inside jsonb. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}
