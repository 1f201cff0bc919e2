/** A calendar month, `YYYY-MM`. */
export type MonthKey = string;

const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonthKey(value: unknown): value is MonthKey {
  return typeof value === 'string' && MONTH_KEY.test(value);
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * The simulator's notion of "now": real time shifted by an offset, so tests can move into another
 * month (consumption resets per calendar month) without waiting. Months are counted in one time
 * zone, Asia/Taipei by default; LINE does not document the instant of its monthly reset.
 */
export class SimulatorClock {
  private offsetMs = 0;
  private monthFormat: Intl.DateTimeFormat;

  constructor(
    private zone = 'Asia/Taipei',
    private readonly realNow: () => number = Date.now,
  ) {
    this.monthFormat = SimulatorClock.formatFor(zone);
  }

  now(): number {
    return this.realNow() + this.offsetMs;
  }

  get timeZone(): string {
    return this.zone;
  }

  get offset(): number {
    return this.offsetMs;
  }

  monthOf(epochMs: number): MonthKey {
    const parts = this.monthFormat.formatToParts(new Date(epochMs));
    const year = parts.find((part) => part.type === 'year')?.value;
    const month = parts.find((part) => part.type === 'month')?.value;
    return `${year}-${month}`;
  }

  currentMonth(): MonthKey {
    return this.monthOf(this.now());
  }

  setTimeZone(zone: string): void {
    if (!isTimeZone(zone)) throw new RangeError(`unknown time zone ${zone}`);
    this.zone = zone;
    this.monthFormat = SimulatorClock.formatFor(zone);
  }

  /** Moves "now" to the given instant; time keeps flowing from there. */
  setNow(epochMs: number): void {
    this.offsetMs = epochMs - this.realNow();
  }

  /**
   * Moves "now" into the middle of a month (the 15th, 12:00 UTC), far from both month boundaries in
   * every time zone, so a test that moves there cannot drift into a neighbouring month.
   */
  setMonth(month: MonthKey): void {
    const match = MONTH_KEY.exec(month);
    if (!match) throw new RangeError(`month must be YYYY-MM, got ${month}`);
    this.setNow(Date.UTC(Number(match[1]), Number(match[2]) - 1, 15, 12));
  }

  setOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  private static formatFor(zone: string): Intl.DateTimeFormat {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit' });
  }
}
