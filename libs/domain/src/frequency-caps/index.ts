export {
  effectiveFrequencyCap,
  FREQUENCY_CAP_LIMITS,
  frequencyCapOf,
  frequencyWindowStart,
  historyPruneBefore,
  MIN_HISTORY_RETENTION_DAYS,
} from './frequency-cap';
export type { FrequencyCap, FrequencyCapOverride } from './frequency-cap';
