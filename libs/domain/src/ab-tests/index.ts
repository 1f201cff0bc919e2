export {
  AB_METRICS,
  AB_TIE_MARGIN,
  AB_UNDECIDED_RULES,
  LINE_COUNT_THRESHOLD,
  decideRemainder,
  MAX_VARIANTS,
  maxMessageObjects,
  MIN_VARIANTS,
  pickWinner,
  smallGroupsNote,
  splitTest,
  variantLetter,
} from './ab-test';
export type { AbDecision, AbMetric, AbTest, AbUndecidedRule, AbVariant, VariantFigures, WinnerPick } from './ab-test';
