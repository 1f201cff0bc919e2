import type { LineAccount } from '@lcm/database';

/**
 * Reads LINE's quota and consumption into the month ledger. Billing, campaigns and dispatch depend
 * on this port rather than on the LINE module, which implements it.
 */
export abstract class QuotaRefresher {
  /** Reads LINE again when the stored reading is stale; a failure is kept on the month, not thrown. */
  abstract refreshIfStale(account: LineAccount): Promise<void>;
  /** Reads LINE now (LINE counts more than the ledger knew); a failure is kept on the month, not thrown. */
  abstract refresh(account: LineAccount): Promise<void>;
}
