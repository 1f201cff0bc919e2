import type { Transaction } from '../database/prisma.service';

/**
 * Which campaigns still hold an audience, so it can't be deleted under them, and which campaigns a
 * rule may name. Campaigns implement it; audiences, which campaigns import, only know this port.
 */
export abstract class AudienceHolders {
  /** Campaigns that may still send to the audience without being submitted again. */
  abstract countCampaignsHolding(audienceId: string, tx: Transaction): Promise<number>;
  /** Which of `ids` are campaigns of the LINE account (a `tappedPostback` rule may name only those). */
  abstract campaignsOnAccount(ids: readonly string[], lineAccountId: string, tx: Transaction): Promise<string[]>;
}
