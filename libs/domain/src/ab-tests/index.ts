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
  unreadPick,
  variantLetter,
} from './ab-test';
export type { AbDecision, AbMetric, AbTest, AbUndecidedRule, AbVariant, VariantFigures, WinnerPick } from './ab-test';
