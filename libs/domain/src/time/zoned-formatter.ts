const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A 24-hour, numeric date-time formatter for an IANA zone: how the pure domain reads wall-clock
 * time with Intl alone. Formatters are costly to build, so one per zone is reused. Throws RangeError
 * on an unknown zone.
 */
export function zonedFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    zonedFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
