import type { Transaction } from '../database/prisma.service';

/**
 * Which campaigns still hold an audience, so it can't be deleted under them. Campaigns implement it;
 * audiences, which campaigns import, only know this port.
 */
export abstract class AudienceHolders {
  /** Campaigns that may still send to the audience without being submitted again. */
  abstract countCampaignsHolding(audienceId: string, tx: Transaction): Promise<number>;
}
