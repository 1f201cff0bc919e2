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

/** Every accepted send, indexed by request id and by recipient. */
export class DeliveryLog {
  private readonly sends: SendRecord[] = [];
  private readonly byRequestId = new Map<string, SendRecord>();
  private readonly byUser = new Map<string, SendRecord[]>();
  private deliveries = 0;

  record(send: SendRecord): void {
    this.sends.push(send);
    this.byRequestId.set(send.requestId, send);
    for (const userId of send.deliveredTo) {
      const list = this.byUser.get(userId);
      if (list) list.push(send);
      else this.byUser.set(userId, [send]);
    }
    this.deliveries += send.deliveredTo.length;
  }

  all(): readonly SendRecord[] {
    return this.sends;
  }

  find(requestId: string): SendRecord | undefined {
    return this.byRequestId.get(requestId);
  }

  forUser(userId: string): readonly SendRecord[] {
    return this.byUser.get(userId) ?? [];
  }

  summary(): DeliverySummary {
    const repeatedRecipients: DeliverySummary['repeatedRecipients'] = [];
    for (const [userId, sends] of this.byUser) if (sends.length > 1) repeatedRecipients.push({ userId, deliveries: sends.length });
    return { sends: this.sends.length, totalDeliveries: this.deliveries, distinctRecipients: this.byUser.size, repeatedRecipients };
  }

  perUser(): Record<string, number> {
    return Object.fromEntries([...this.byUser].map(([userId, sends]) => [userId, sends.length]));
  }

  clear(): void {
    this.sends.length = 0;
    this.byRequestId.clear();
    this.byUser.clear();
    this.deliveries = 0;
  }
}
