import { Injectable } from '@nestjs/common';
import { PrismaService, Transaction } from '../database/prisma.service';

export interface AlertDeliveryRow {
  id: string;
  lineAccountId: string;
  month: string;
  kind: string;
  threshold: number;
  subject: string;
  body: string;
  attempts: number;
}

export interface NewAlertDelivery {
  lineAccountId: string;
  month: string;
  kind: string;
  threshold: number;
  subject: string;
  body: string;
}

/**
 * Alerts to deliver, one row per (account, month, kind, threshold, subject): the unique key makes
 * raising an alert idempotent across requests and instances. Workers claim due rows with
 * SKIP LOCKED under a lease; every later write checks the lease. Times come from the service's clock.
 */
@Injectable()
export class AlertDeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /** Inserts the alert unless it was raised already this month; the row's id when this call raised it. */
  async raiseOnce(alert: NewAlertDelivery, now: Date, tx: Transaction): Promise<string | null> {
    const rows = await this.prisma.db(tx).$queryRaw<{ id: string }[]>`
      INSERT INTO alert_deliveries (id, line_account_id, month, kind, threshold, subject, body, next_attempt_at, created_at)
      VALUES (gen_random_uuid(), ${alert.lineAccountId}::uuid, ${alert.month}, ${alert.kind}, ${alert.threshold},
              ${alert.subject}, ${alert.body}, ${now}, ${now})
      ON CONFLICT (line_account_id, month, kind, threshold, subject) DO NOTHING
      RETURNING id::text`;
    return rows[0]?.id ?? null;
  }

  /** Leases the oldest due pending alert to `owner`, or null when none is due. */
  async claim(owner: string, now: Date, leaseMs: number): Promise<AlertDeliveryRow | null> {
    const rows = await this.prisma.client.$queryRaw<AlertDeliveryRow[]>`
      UPDATE alert_deliveries SET lease_owner = ${owner}, lease_expires_at = ${new Date(now.getTime() + leaseMs)}
       WHERE id = (SELECT c.id FROM alert_deliveries c
                    WHERE c.status = 'pending' AND c.next_attempt_at <= ${now}
                      AND (c.lease_expires_at IS NULL OR c.lease_expires_at < ${now})
                    ORDER BY c.next_attempt_at, c.id FOR UPDATE SKIP LOCKED LIMIT 1)
      RETURNING id::text, line_account_id::text AS "lineAccountId", month, kind, threshold, subject, body, attempts`;
    return rows[0] ?? null;
  }

  /** Records an attempt's outcome and gives the lease up; false when `owner` no longer holds the row. */
  async recordAttempt(
    id: string,
    owner: string,
    outcome:
      | { status: 'delivered'; at: Date }
      | { status: 'pending'; error: string; nextAttemptAt: Date }
      | { status: 'failed'; error: string },
    tx: Transaction,
  ): Promise<boolean> {
    const delivered = outcome.status === 'delivered' ? outcome.at : null;
    const error = outcome.status === 'delivered' ? null : outcome.error;
    const next = outcome.status === 'pending' ? outcome.nextAttemptAt : null;
    const changed = await this.prisma.db(tx).$executeRaw`
      UPDATE alert_deliveries
         SET status = ${outcome.status}::"AlertDeliveryStatus", attempts = attempts + 1, last_error = ${error},
             delivered_at = ${delivered}, next_attempt_at = coalesce(${next}::timestamptz, next_attempt_at),
             lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ${id}::uuid AND lease_owner = ${owner} AND status = 'pending'`;
    return changed === 1;
  }
}
