import type { SendEndpoint } from './endpoints';
import type { SentMessage } from './retry-keys';

/** One accepted send request and what became of each recipient. */
export interface SendRecord {
  requestId: string;
  endpoint: SendEndpoint;
  retryKey: string | null;
  acceptedAt: number;
  messages: unknown[];
  deliveredTo: string[];
  skipped: { blocked: string[]; unknown: string[] };
  /** Messages counted against the month's quota: one per delivered recipient. */
  counted: number;
  sentMessages?: SentMessage[];
}

export interface DeliverySummary {
  sends: number;
  totalDeliveries: number;
  distinctRecipients: number;
  /** Recipients who received more than one request's messages: what an exactly-once test looks for. */
  repeatedRecipients: { userId: string; deliveries: number }[];
}

/**
 * Every accepted send, indexed by request id, with a delivery count per recipient. A recipient's
 * sends are found by scanning (an inspection call), so recording a send costs one counter per
 * recipient: the simulator keeps up with a million-recipient campaign.
 */
export class DeliveryLog {
  private readonly sends: SendRecord[] = [];
  private readonly byRequestId = new Map<string, SendRecord>();
  private readonly countByUser = new Map<string, number>();
  private deliveries = 0;

  record(send: SendRecord): void {
    const kept = keptSend(send);
    this.sends.push(kept);
    this.byRequestId.set(send.requestId, kept);
    for (const userId of send.deliveredTo) this.countByUser.set(userId, (this.countByUser.get(userId) ?? 0) + 1);
    this.deliveries += send.deliveredTo.length;
  }

  all(): readonly SendRecord[] {
    return this.sends;
  }

  find(requestId: string): SendRecord | undefined {
    return this.byRequestId.get(requestId);
  }

  forUser(userId: string): readonly SendRecord[] {
    if (!this.countByUser.has(userId)) return [];
    return this.sends.filter((send) => send.deliveredTo.includes(userId));
  }

  summary(): DeliverySummary {
    const repeatedRecipients: DeliverySummary['repeatedRecipients'] = [];
    for (const [userId, deliveries] of this.countByUser)
      if (deliveries > 1) repeatedRecipients.push({ userId, deliveries });
    return {
      sends: this.sends.length,
      totalDeliveries: this.deliveries,
      distinctRecipients: this.countByUser.size,
      repeatedRecipients,
    };
  }

  perUser(): Record<string, number> {
    return Object.fromEntries(this.countByUser);
  }

  clear(): void {
    this.sends.length = 0;
    this.byRequestId.clear();
    this.countByUser.clear();
    this.deliveries = 0;
  }
}

/**
 * A send as the log keeps it: its recipients joined into one string (read back on inspection), so
 * a million-recipient campaign leaves a couple of thousand strings for the garbage collector to
 * trace rather than a million, and the ids parsed from each request die young.
 */
function keptSend(send: SendRecord): SendRecord {
  const recipients = send.deliveredTo.join(',');
  const count = send.deliveredTo.length;
  const kept = { ...send } as SendRecord;
  Object.defineProperty(kept, 'deliveredTo', {
    enumerable: true,
    get: () => (count === 0 ? [] : recipients.split(',')),
  });
  return kept;
}
