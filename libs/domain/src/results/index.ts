export {
  AGGREGATION_UNITS_PER_MONTH,
  aggregationUnitFor,
  costPer,
  countFromLine,
  isoDateOfLineDate,
  lineInsightDate,
  NOT_READ,
  rateOf,
  RESULTS_DAYS_AFTER_SEND,
  resultsFinalAt,
  resultsPeriod,
  STATISTICS_REQUESTS_PER_HOUR,
  STATISTICS_THRESHOLD,
  sumCounts,
} from './results';
export type { ResultCount } from './results';
