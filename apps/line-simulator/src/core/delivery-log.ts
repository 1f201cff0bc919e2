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
  /** A recipient's one send, or their sends once there is more than one: a million recipients then cost a million map entries, not a million arrays. */
  private readonly byUser = new Map<string, SendRecord | SendRecord[]>();
  private deliveries = 0;

  record(send: SendRecord): void {
    this.sends.push(send);
    this.byRequestId.set(send.requestId, send);
    for (const userId of send.deliveredTo) {
      const earlier = this.byUser.get(userId);
      if (earlier === undefined) this.byUser.set(userId, send);
      else if (Array.isArray(earlier)) earlier.push(send);
      else this.byUser.set(userId, [earlier, send]);
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
    return sendsOf(this.byUser.get(userId));
  }

  summary(): DeliverySummary {
    const repeatedRecipients: DeliverySummary['repeatedRecipients'] = [];
    for (const [userId, sends] of this.byUser) if (Array.isArray(sends)) repeatedRecipients.push({ userId, deliveries: sends.length });
    return { sends: this.sends.length, totalDeliveries: this.deliveries, distinctRecipients: this.byUser.size, repeatedRecipients };
  }

  perUser(): Record<string, number> {
    return Object.fromEntries([...this.byUser].map(([userId, sends]) => [userId, sendsOf(sends).length]));
  }

  clear(): void {
    this.sends.length = 0;
    this.byRequestId.clear();
    this.byUser.clear();
    this.deliveries = 0;
  }
}

function sendsOf(entry: SendRecord | SendRecord[] | undefined): readonly SendRecord[] {
  if (entry === undefined) return [];
  return Array.isArray(entry) ? entry : [entry];
}
