export { instantOfWallClock, isValidTimeZone, wallClockAsUtc, wallClockFromUtc, wallClockOf } from './zoned-time';
export type { WallClock } from './zoned-time';
export {
  EARLIEST_INSTANT_MS,
  INSTANT_RANGE,
  isApiDateTime,
  isInstantInRange,
  LATEST_INSTANT_MS,
} from './instant-range';
