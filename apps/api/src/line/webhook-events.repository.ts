import { Injectable } from '@nestjs/common';
import { PrismaService, Transaction } from '../database/prisma.service';

/** LINE webhook events already applied, by their webhookEventId: a redelivery is applied once. */
@Injectable()
export class WebhookEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /** Records the event; false when it was recorded before (the unique key on account and event id). */
  async recordOnce(lineAccountId: string, webhookEventId: string, type: string, tx: Transaction): Promise<boolean> {
    const inserted = await this.prisma.db(tx)
      .$executeRaw`INSERT INTO webhook_events (line_account_id, webhook_event_id, type)
      VALUES (${lineAccountId}::uuid, ${webhookEventId}, ${type}) ON CONFLICT DO NOTHING`;
    return inserted > 0;
  }
}
