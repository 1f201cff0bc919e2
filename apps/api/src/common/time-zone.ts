import { Validate, ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isValidTimeZone } from '@lcm/domain/time';

/**
 * The zone's name as IANA spells it when the given one differs from it only in case, else null.
 * Luxon accepts "asia/taipei" and keeps that spelling, so it would be stored and answered as sent;
 * the runtime's Intl gives the canonical name.
 */
export function miscasedTimeZone(value: string): string | null {
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    return canonical !== value && canonical.toLowerCase() === value.toLowerCase() ? canonical : null;
  } catch {
    return null;
  }
}

@ValidatorConstraint({ name: 'timeZone' })
class TimeZoneConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && value.length <= 64 && isValidTimeZone(value) && !miscasedTimeZone(value);
  }
  defaultMessage(args?: ValidationArguments): string {
    const canonical = typeof args?.value === 'string' && args.value.length <= 64 ? miscasedTimeZone(args.value) : null;
    return canonical
      ? `must be an IANA time zone spelt as IANA does (case matters): ${canonical}`
      : 'must be an IANA time zone such as Asia/Taipei';
  }
}

/** A DTO property that must name an IANA time zone the runtime knows, such as Asia/Taipei, spelt as IANA does. */
export const IsTimeZone = () => Validate(TimeZoneConstraint);
