export { computeForecast } from './compute-forecast';
export { MAX_OCCURRENCES_PER_MONTH, MIN_TREND_WINDOW_MS, projectMonth, sendTimesInMonth } from './month-projection';
export type {
  DueSend,
  LimitKind,
  MonthProjection,
  OutsideReading,
  ProjectedCampaign,
  ProjectedLimit,
  ProjectionContext,
  SendTimes,
} from './month-projection';
export { monthPlanRecommendation } from './suggestions';
export { freeRecipients } from './defer';
export { VERDICT_SEVERITY } from './forecast.types';
export { approvalLapsed, CLEARED_BY, costPastApproval } from './reasons';
export type {
  BlockReason,
  ReasonDetail,
  DeferPart,
  DeferSuggestion,
  BlockReasonCode,
  BlockingVerdict,
  Forecast,
  ForecastBudget,
  ForecastBudgetInput,
  ForecastCost,
  ForecastInput,
  ForecastQuota,
  ForecastQuotaInput,
  LineConsumptionReading,
  LineQuotaReading,
  NextMonthInput,
  NextMonthSuggestion,
  OverBudgetPolicy,
  PlanSuggestion,
  Suggestion,
  TrimSuggestion,
  Verdict,
} from './forecast.types';
export { restOfSend, underWayNote, withoutOwnHolds } from './under-way';
export type { RestOfSend, RunUnderWay } from './under-way';
