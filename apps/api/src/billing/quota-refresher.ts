import type { LineAccount } from '@lcm/database';

/**
 * Re-reads LINE's quota and consumption when the stored reading is stale. Billing depends on this
 * seam rather than on the LINE module, which provides the implementation.
 */
export abstract class QuotaRefresher {
  abstract refreshIfStale(account: LineAccount): Promise<void>;
}
