import type { LimitKind, MonthProjection } from '../forecast';

export type AlertKind = 'spend' | 'free_quota' | 'line_limit' | 'run_blocked';

/** Thresholds when the account gives none. */
export const DEFAULT_ALERT_THRESHOLDS: readonly number[] = Object.freeze([80, 100]);
export const MAX_ALERT_THRESHOLDS = 10;
export const MAX_ALERT_THRESHOLD_PERCENT = 1000;

/** A scheduled run whose forecast, at its time, is blocked. */
export interface BlockedRun {
  runId: string;
  campaignId: string;
  campaignName: string;
  scheduledAt: Date;
  verdicts: readonly string[];
  reasons: readonly string[];
}

/** One alert of the month, named by (kind, threshold, subject): each is sent once a month. */
export interface MonthAlert {
  kind: AlertKind;
  /** The percentage crossed; 0 for run_blocked. */
  threshold: number;
  /** The blocked run's id for run_blocked, else "". */
  subject: string;
  /** One line for people (Slack's `text`). */
  text: string;
  /** Label and value pairs (Slack's attachment fields). */
  fields: { title: string; value: string }[];
}

const KIND_OF_LIMIT: Record<LimitKind, AlertKind> = {
  budget: 'spend',
  free_quota: 'free_quota',
  line_limit: 'line_limit',
};
const NAME_OF_LIMIT: Record<LimitKind, string> = {
  budget: 'the monthly budget cap',
  free_quota: 'the free quota',
  line_limit: "LINE's monthly limit",
};

/**
 * The month's alerts as the projection stands (docs/domain.md, "Alerts"): one per limit and
 * threshold the projection has reached (projected ≥ threshold% of the limit), and one per scheduled
 * run forecast to be blocked. The caller sends each (kind, threshold, subject) at most once a month,
 * so this may be asked as often as wanted.
 */
export function monthAlerts(input: {
  accountName: string;
  projection: MonthProjection;
  thresholds: readonly number[];
  blockedRuns: readonly BlockedRun[];
}): MonthAlert[] {
  const { projection, accountName } = input;
  const alerts: MonthAlert[] = [];
  const thresholds = [...input.thresholds].sort((a, b) => a - b);
  for (const limit of projection.limits) {
    for (const threshold of thresholds) {
      if (limit.percent < threshold) break;
      const money = limit.kind === 'budget';
      const amount = (value: string) => (money ? `${projection.currency} ${value}` : value);
      alerts.push({
        kind: KIND_OF_LIMIT[limit.kind],
        threshold,
        subject: '',
        text:
          `${accountName}: the ${projection.month} projection reaches ${limit.percent}% of ${NAME_OF_LIMIT[limit.kind]} ` +
          `(${amount(limit.projected)} of ${amount(limit.limit)}; alert at ${threshold}%)`,
        fields: [
          { title: 'Projected', value: amount(limit.projected) },
          { title: 'Limit', value: amount(limit.limit) },
          { title: 'Counted so far', value: String(projection.sentSoFar) },
          { title: 'Other pushes, rest of month', value: String(projection.outside.restOfMonth) },
          { title: 'Scheduled runs still due', value: String(projection.scheduled.messages) },
          { title: 'Projected messages', value: String(projection.endOfMonthMessages) },
        ],
      });
    }
  }
  for (const run of input.blockedRuns) {
    alerts.push({
      kind: 'run_blocked',
      threshold: 0,
      subject: run.runId,
      text:
        `${accountName}: the run of "${run.campaignName}" due ${run.scheduledAt.toISOString()} is forecast to be blocked ` +
        `(${run.verdicts.join(', ')})`,
      fields: [
        { title: 'Campaign', value: run.campaignName },
        { title: 'Due', value: run.scheduledAt.toISOString() },
        { title: 'Reasons', value: run.reasons.join(' ') || run.verdicts.join(', ') },
      ],
    });
  }
  return alerts;
}

/**
 * The webhook's JSON body: Slack's incoming-webhook shape (`text`, and an attachment with `fields`),
 * plus `alert` with the same facts for machines.
 */
export function alertPayload(
  alert: MonthAlert,
  context: { lineAccountId: string; accountName: string; month: string; raisedAt: Date },
): Record<string, unknown> {
  return {
    text: alert.text,
    attachments: [
      {
        color: alert.kind === 'run_blocked' || alert.threshold >= 100 ? 'danger' : 'warning',
        fields: alert.fields.map((field) => ({ ...field, short: true })),
      },
    ],
    alert: {
      kind: alert.kind,
      threshold: alert.threshold,
      subject: alert.subject || null,
      lineAccountId: context.lineAccountId,
      accountName: context.accountName,
      month: context.month,
      raisedAt: context.raisedAt.toISOString(),
      fields: Object.fromEntries(alert.fields.map((field) => [field.title, field.value])),
    },
  };
}
