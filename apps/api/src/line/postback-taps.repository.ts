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

  /** Records the tap once per webhook event (the unique key on account and event id). */
  async recordOnce(tap: PostbackTapRow, tx: Transaction): Promise<boolean> {
    const inserted = await this.prisma.db(tx).$executeRaw`INSERT INTO postback_taps
        (id, line_account_id, line_user_id, campaign_id, label, webhook_event_id, tapped_at)
      VALUES (gen_random_uuid(), ${tap.lineAccountId}::uuid, ${tap.lineUserId}, ${tap.campaignId}::uuid, ${tap.label},
              ${tap.webhookEventId}, ${tap.tappedAt})
      ON CONFLICT (line_account_id, webhook_event_id) DO NOTHING`;
    return inserted > 0;
  }
}
