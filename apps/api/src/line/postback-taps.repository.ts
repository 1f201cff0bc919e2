import { Injectable } from '@nestjs/common';
import { PrismaService, Transaction } from '../database/prisma.service';

export interface PostbackTapRow {
  lineAccountId: string;
  lineUserId: string;
  campaignId: string;
  label: string;
  webhookEventId: string;
  tappedAt: Date;
}

/** `postback_taps`: who tapped which campaign's postback, read by audience rules (`tappedPostback`). */
@Injectable()
export class PostbackTapsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records the tap once per webhook event (the unique key on account and event id), and only when
   * the data names a campaign of the account: anyone can post back any data (a copied button, a
   * made-up id), and a tap of another account's campaign or of none would count for nothing but
   * rows. One statement reads `campaigns`, so a campaign can't be missed between check and insert.
   */
  async recordOnce(tap: PostbackTapRow, tx: Transaction): Promise<boolean> {
    const inserted = await this.prisma.db(tx).$executeRaw`INSERT INTO postback_taps
        (id, line_account_id, line_user_id, campaign_id, label, webhook_event_id, tapped_at)
      SELECT gen_random_uuid(), c.line_account_id, ${tap.lineUserId}, c.id, ${tap.label}, ${tap.webhookEventId},
             ${tap.tappedAt}
        FROM campaigns c
       WHERE c.id = ${tap.campaignId}::uuid AND c.line_account_id = ${tap.lineAccountId}::uuid
      ON CONFLICT (line_account_id, webhook_event_id) DO NOTHING`;
    return inserted > 0;
  }
}
