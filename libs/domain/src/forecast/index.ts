export { computeForecast } from './compute-forecast';
export { VERDICT_SEVERITY } from './forecast.types';
export { approvalLapsed, CLEARED_BY, costPastApproval } from './reasons';
export type {
  BlockReason,
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
  PlanSuggestion,
  Suggestion,
  TrimSuggestion,
  Verdict,
} from './forecast.types';
