/**
 * Moves what LINE already accepted for an account into the month ledger. The quota sync calls it
 * before reading LINE, so LINE's figure and the ledger's "sent since the reading" don't both count
 * the same messages. Dispatch implements it; the LINE module only knows this port.
 */
export abstract class UsageSettler {
  abstract settleAccount(lineAccountId: string): Promise<void>;
}
