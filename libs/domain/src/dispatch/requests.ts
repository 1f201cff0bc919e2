import { createHash } from 'node:crypto';

/** A name-based (version 5) UUID: the same name in the same namespace always gives the same UUID. */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new RangeError(`namespace must be a UUID (got ${namespace})`);
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The X-Line-Retry-Key of request `index` of a batch: the batch's stored key for the first request,
 * a key derived from it for the others, so every request of every batch is retried idempotently.
 */
export function requestRetryKey(batchRetryKey: string, index: number): string {
  return index === 0 ? batchRetryKey : uuidV5(`request:${index}`, batchRetryKey);
}
