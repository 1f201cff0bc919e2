import { Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isValidTimeZone } from '@lcm/domain/time';

@ValidatorConstraint({ name: 'timeZone' })
class TimeZoneConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && value.length <= 64 && isValidTimeZone(value);
  }
  defaultMessage(): string {
    return 'must be an IANA time zone such as Asia/Taipei';
  }
}

/** A DTO property that must name an IANA time zone the runtime knows, such as Asia/Taipei. */
export const IsTimeZone = () => Validate(TimeZoneConstraint);
