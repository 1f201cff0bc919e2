import type { MonthKey } from './clock';

/** Messages counted per calendar month; a new month starts at zero, as LINE's consumption does. */
export class MonthlyUsage {
  private readonly byMonth = new Map<MonthKey, number>();

  get(month: MonthKey): number {
    return this.byMonth.get(month) ?? 0;
  }

  add(month: MonthKey, messages: number): void {
    this.byMonth.set(month, this.get(month) + messages);
  }

  set(month: MonthKey, messages: number): void {
    this.byMonth.set(month, messages);
  }

  reset(month?: MonthKey): void {
    if (month === undefined) this.byMonth.clear();
    else this.byMonth.delete(month);
  }

  toJSON(): Record<MonthKey, number> {
    return Object.fromEntries([...this.byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
