export type {
  AllRule,
  AnyRule,
  AttributeEqualityRule,
  AttributeExistsRule,
  AttributeInRule,
  AttributeOp,
  AttributeRangeRule,
  AttributeRule,
  AttributeScalar,
  AudienceReferenceRule,
  AudienceResolver,
  AudienceRule,
  AudienceRuleErrorCode,
  FollowedWithinDaysRule,
  InteractedWithinDaysRule,
  ListRule,
  TappedPostbackRule,
  NotRule,
  RangeOp,
  RuleContext,
  RuleKind,
  SegmentContact,
  SegmentContactStatus,
  TagRule,
} from './rule.types';
export {
  ATTRIBUTE_NAME_PATTERN,
  ATTRIBUTE_NAME_PROBLEM,
  ATTRIBUTE_OPS,
  AUDIENCE_RULE_LIMITS,
  AudienceRuleError,
  RULE_KINDS,
  ruleKindOf,
  windowCutoff,
} from './rule.types';
export { assertValidAudienceRule, validateAudienceRule } from './validate-rule';
export type { AudienceRuleProblem, AudienceRuleValidation } from './validate-rule';
export { audienceReferencePaths, findAudienceCycle, referencedAudienceIds, tappedCampaignPaths } from './references';
export { inlineAudienceReferences } from './inline';
export { createRuleMatcher, evaluateRule } from './evaluate';
export type { ContactMatcher } from './evaluate';
export { ATTRIBUTE_INSTANTS_COLUMN, compileRuleToSql } from './compile-sql';
export type { CompiledPredicate, CompileRuleOptions } from './compile-sql';
export {
  ISO_DATE_TIME_PATTERN,
  ISO_INSTANT_PATTERN,
  compareIsoInstants,
  epochSecondsText,
  isIsoDateTime,
  isIsoInstant,
  parseIsoInstant,
} from './iso-instant';
export type { IsoInstant } from './iso-instant';
export { ATTRIBUTE_VALUE_TYPES, attributeFilterRule } from './attribute-filter';
export type { AttributeFilterInput, AttributeFilterResult, AttributeValueType } from './attribute-filter';
