export type { RateBand, RateCard, RateCardSummary } from './rate-card';
export { summarizeRateCard } from './rate-card';
export { assertValidRateCard, isIsoDate, validateRateCard } from './validate-rate-card';
export type { FieldProblem, RateCardValidation } from './validate-rate-card';
export {
  additionalMessagesOf,
  additionalSpendOf,
  costOfPaidPositions,
  paidPositionsTotal,
  planMonthlyCost,
} from './cost';
export type { BandCost, PaidCost } from './cost';
export { cardsInForce, selectRateCard } from './select-rate-card';
export { cheapestPlan, recommendPlan } from './plans';
export type { PlanOption, PlanRecommendation } from './plans';
export {
  firstDayOf,
  isInMonth,
  isMonth,
  localDateOf,
  monthBounds,
  monthMorning,
  monthOf,
  nextMonth,
  previousMonth,
} from './account-month';
export type { MonthBounds } from './account-month';
export { DEFAULT_RATE_CARDS } from './default-rate-cards';
