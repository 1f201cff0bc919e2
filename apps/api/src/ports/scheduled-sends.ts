import type { LineAccount } from '@lcm/database';
import type { DueSend } from '@lcm/domain/forecast';

/** A scheduled run still due, with its campaign's forecast at the run's time. */
export interface DueRunForecast {
  runId: string;
  campaignId: string;
  campaignName: string;
  scheduledAt: Date;
  verdict: string;
  verdicts: string[];
  reasons: string[];
}

/**
 * The runs still due in an account's month, for the month's projection (billing) and its alerts.
 * Campaigns implement it (they own runs and know their audiences' sizes); billing only knows this
 * port, as campaigns import billing.
 */
export abstract class ScheduledSends {
  /** Each scheduled run of the month, with its recurrence and its audience's current size. */
  abstract dueInMonth(account: LineAccount, month: string): Promise<DueSend[]>;
  /** The forecast of each scheduled run of the month, at its time. */
  abstract forecastDueRuns(account: LineAccount, month: string): Promise<DueRunForecast[]>;
}
