/**
 * Frequency caps: at most `messages` campaign sends reach one contact in any rolling window of
 * `days` days (days × 24 hours back from the instant a run is gated, not calendar days). A run
 * counts once per contact however many message objects it carries; test sends don't count.
 */
export interface FrequencyCap {
  messages: number;
  days: number;
}

/** A campaign's choice: the account's cap, its own, or none at all. */
export type FrequencyCapOverride = { kind: 'account' } | { kind: 'own'; cap: FrequencyCap } | { kind: 'none' };

export const FREQUENCY_CAP_LIMITS = {
  messages: { min: 1, max: 1000 },
  days: { min: 1, max: 90 },
} as const;

/**
 * History is kept at least this long, so a cap set (or lengthened) today already counts the last
 * month's sends, even when no cap was in force before.
 */
export const MIN_HISTORY_RETENTION_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The cap a campaign's sends are held to. */
export function effectiveFrequencyCap(
  accountCap: FrequencyCap | null,
  override: FrequencyCapOverride,
): FrequencyCap | null {
  switch (override.kind) {
    case 'account':
      return accountCap;
    case 'own':
      return override.cap;
    case 'none':
      return null;
  }
}

/** Deliveries reserved after this instant count against the cap at `now`. */
export function frequencyWindowStart(now: Date, cap: FrequencyCap): Date {
  return new Date(now.getTime() - cap.days * DAY_MS);
}

/** Deliveries reserved before this instant can no longer count against any cap in force. */
export function historyPruneBefore(now: Date, longestWindowDays: number | null): Date {
  return new Date(now.getTime() - Math.max(longestWindowDays ?? 0, MIN_HISTORY_RETENTION_DAYS) * DAY_MS);
}

/** Both columns set, or neither (no cap). */
export function frequencyCapOf(messages: number | null, days: number | null): FrequencyCap | null {
  return messages === null || days === null ? null : { messages, days };
}
