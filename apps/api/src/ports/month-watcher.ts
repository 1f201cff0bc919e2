/**
 * Looks at an account's month after something changed it (a LINE reading, a campaign approved or
 * scheduled) and raises the alerts it calls for. The alerts module implements it; the LINE and
 * campaigns modules only know this port. Never fails its caller: a failure is logged.
 */
export abstract class MonthWatcher {
  abstract monthChanged(lineAccountId: string): Promise<void>;
}
