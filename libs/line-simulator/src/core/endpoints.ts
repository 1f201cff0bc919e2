import type { RateLimitGroup } from './rate-limiter';

/** The Messaging API endpoints the simulator serves, by name (used in logs, faults and rate limits). */
export const LINE_ENDPOINTS = [
  'push',
  'multicast',
  'broadcast',
  'validate_push',
  'validate_multicast',
  'validate_broadcast',
  'validate_narrowcast',
  'validate_reply',
  'quota',
  'consumption',
  'followers',
  'bot_info',
  'delivery_multicast',
  'delivery_push',
  'aggregation_info',
  'aggregation_list',
  'statistics_per_unit',
] as const;

export type LineEndpoint = (typeof LINE_ENDPOINTS)[number];

export type SendEndpoint = 'push' | 'multicast' | 'broadcast';

export function isLineEndpoint(value: unknown): value is LineEndpoint {
  return typeof value === 'string' && (LINE_ENDPOINTS as readonly string[]).includes(value);
}

/** Only the sending endpoints take `X-Line-Retry-Key`; LINE refuses it elsewhere with 400. */
export function acceptsRetryKey(endpoint: LineEndpoint): endpoint is SendEndpoint {
  return endpoint === 'push' || endpoint === 'multicast' || endpoint === 'broadcast';
}

export function rateLimitGroupOf(endpoint: LineEndpoint): RateLimitGroup {
  switch (endpoint) {
    case 'push':
    case 'multicast':
    case 'broadcast':
      return endpoint;
    case 'statistics_per_unit':
      return 'statistics';
    default:
      return 'other';
  }
}
