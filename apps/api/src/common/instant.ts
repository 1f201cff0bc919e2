import { Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { INSTANT_RANGE, isApiDateTime } from '@lcm/domain/time/instant-range';

export const INSTANT_PROBLEM = `must be an ISO-8601 date-time with an offset, such as 2026-11-23T10:00:00+08:00 (up to 6 fraction digits), ${INSTANT_RANGE}`;

@ValidatorConstraint({ name: 'instant' })
class InstantConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isApiDateTime(value);
  }
  defaultMessage(): string {
    return INSTANT_PROBLEM;
  }
}

/** A DTO property holding an instant the API takes: the domain's ISO grammar, in the API's range. */
export const IsInstant = () => Validate(InstantConstraint);
