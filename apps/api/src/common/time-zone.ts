import { isValidTimeZone } from '@lcm/domain/pricing';

/** True for IANA zone names the runtime knows, such as Asia/Taipei. */
export function isTimeZone(value: string): boolean {
  return isValidTimeZone(value);
}
