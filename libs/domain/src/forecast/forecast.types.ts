import { BandCost, RateCard, RateCardSummary } from '../pricing';

/** What a forecast concludes. `ok` is the only verdict that lets a send proceed. */
export type Verdict = 'ok' | 'over_budget' | 'over_plan_limit' | 'over_line_cap' | 'quota_unknown';
export type BlockingVerdict = Exclude<Verdict, 'ok'>;

/**
 * Most severe first; `verdict` is the first of `verdicts` in this order. Limits LINE itself enforces
 * (it would refuse the messages) come before the service's own money policy, and certain problems
 * before the uncertain one:
 * - over_plan_limit: the plan cannot buy additional messages; only a plan change helps.
 * - over_line_cap: LINE's additional-message cap would be passed; someone must raise it at LINE.
 * - over_budget: the account's monthly cap or the campaign's cost cap would be passed; an admin can raise it.
 * - quota_unknown: LINE's figures are stale; the send may well fit once they are read again.
 */
export const VERDICT_SEVERITY: readonly BlockingVerdict[] = [
  'over_plan_limit',
  'over_line_cap',
  'over_budget',
  'quota_unknown',
];

/** Why a send may not go: a forecast's verdicts, and the gate's own check of the approval. */
export type BlockReasonCode = BlockingVerdict | 'needs_reapproval';

/**
 * One reason a send is refused, in words, with the API call that clears it (after which the run is
 * retried with POST /runs/:id/retry, or, for needs_reapproval, approved again and sent).
 */
export interface BlockReason {
  code: BlockReasonCode;
  message: string;
  clearedBy: string;
  /** The message's parts with their figures, for a client to word in its own language (reasons.ts). */
  details?: ReasonDetail[];
}

/**
 * One reason as a code and its figures, with the English the API words it in (`text`). Counts are
 * numbers; money is a decimal string in `currency`. A client that does not know the code shows `text`.
 */
export interface ReasonDetail {
  code: string;
  params: Record<string, string | number>;
  text: string;
}

/** LINE's GET /v2/bot/message/quota. `value` = free messages + the additional-message cap set in LINE's console. */
export interface LineQuotaReading {
  type: 'none' | 'limited';
  value?: number | null;
}

/** LINE's GET /v2/bot/message/quota/consumption, plus what this service sent after that reading. */
export interface LineConsumptionReading {
  totalUsage: number;
  /** Messages of this service's sends LINE accepted after the reading was taken. */
  sentAfterReading: number;
}

export interface ForecastQuotaInput {
  /** Last quota reading, fresh or not; null if never read. Used even when stale: the cap rarely changes. */
  lineQuota: LineQuotaReading | null;
  /** Last consumption reading for this month; null if none (then used comes from the ledger alone). */
  lineConsumption: LineConsumptionReading | null;
  /** Messages this service's ledger counts as sent in the month. */
  ledgerUsed: number;
  /** V: messages reserved by other runs and not yet settled. */
  reserved: number;
  /** H: messages set aside for Push traffic this service does not send. */
  headroom: number;
  /** Whether LINE's figures are recent enough to trust. False makes `quota_unknown` whenever a cap applies. */
  fresh: boolean;
}

export interface ForecastBudgetInput {
  /** The account's monthly cap on additional-message spend; null means no cap. */
  monthlyCap: string | null;
  /** Additional-message spend already settled this month (the ledger's figure). */
  spentThisMonth: string;
  /** Cost reserved by other runs this month and not yet settled. */
  reservedThisMonth: string;
}

/** Next month's figures, for the `next_month` suggestion. Every field defaults to a fresh month. */
export interface NextMonthInput {
  /** Defaults to the month after `month`. */
  month?: string;
  /** The card in force next month; defaults to this month's. */
  rateCard?: RateCard;
  /** Messages already used / reserved next month; default 0. */
  used?: number;
  reserved?: number;
  /** Defaults to this month's headroom. */
  headroom?: number;
  /** Default "0". */
  spentThisMonth?: string;
  reservedThisMonth?: string;
}

export interface ForecastInput {
  /** The account's month of the send, "YYYY-MM" (see monthOf). */
  month: string;
  /** R: following, deduplicated recipients after the campaign's own limits. */
  recipients: number;
  /** Message objects of the campaign's content; ceil(objects / 5) requests per recipient. */
  messageObjects: number;
  /** The card in force for the send (see selectRateCard). Its freeMessages is the plan's free quota. */
  rateCard: RateCard;
  /** All plans' cards of the region in force that month (see cardsInForce), for the plan suggestion. */
  regionCards?: readonly RateCard[];
  quota: ForecastQuotaInput;
  budget: ForecastBudgetInput;
  /** The campaign's own cap on this send's cost; null means none. */
  costCap: string | null;
  /** The additional-message cap configured on the account (mirror of LINE's console setting); null if not set. */
  additionalMessageCap: number | null;
  /** The month's projection (projectMonth); the plan suggestion uses the larger of this and U+V+H+N. */
  projectedMonthMessages?: number;
  /** Next month's figures; omitted = a fresh month on the same card; null = no next-month or defer suggestion. */
  nextMonth?: NextMonthInput | null;
  /** The account's time zone: dates the defer plan's later part at next month's reset (null without it). */
  timeZone?: string;
  /** The send's instant (ISO 8601), the date of the defer plan's part that goes now (null without it). */
  sendAt?: string;
  /** The campaign's policy at the gate; `defer` makes the forecast carry its plan (`deferral`). */
  overBudgetPolicy?: OverBudgetPolicy;
  /** False for a send that can't take policy defer (an A/B test, a recurring schedule): no defer suggestion. */
  deferrable?: boolean;
}

/** What the budget gate does with a send that doesn't fit or costs money (docs/domain.md, "The budget gate"). */
export type OverBudgetPolicy = 'block' | 'trim' | 'defer';

export interface ForecastQuota {
  /** F: the plan's free messages, or LINE's quota value where that is lower. */
  free: number;
  /** U: max(LINE's reading + this service's sends after it, the ledger). */
  used: number;
  reserved: number;
  headroom: number;
  /** max(0, F − U − V − H). */
  remainingFree: number;
  /** "line" when a fresh LINE consumption reading was used, else "ledger". */
  source: 'line' | 'ledger';
  fresh: boolean;
  /** max(0, U + V + H − F): additional positions of the month taken before this send. */
  paidSoFar: number;
  /** LINE's monthly limit (quota value) when limited; null when none or unknown. */
  lineLimit: number | null;
  /** Additional messages allowed in the month: LINE's (value − F) or the account's cap, the lower; null = no cap. */
  additionalCap: number | null;
}

export interface ForecastCost {
  amount: string;
  currency: string;
  bands: BandCost[];
}

export interface ForecastBudget {
  monthlyCap: string | null;
  /** max(the ledger's spend, the spend implied by the month's used messages under the card). */
  spentThisMonth: string;
  reservedThisMonth: string;
  /** cap − spent − reserved − this cost, never below 0; null without a cap. */
  remainingAfter: string | null;
  /** How far spent + reserved + this cost passes the cap; "0.0000" when it doesn't or without a cap. */
  overBy: string;
  costCap: string | null;
  currency: string;
}

export interface TrimSuggestion {
  kind: 'trim';
  /** The largest recipient count whose forecast is ok; one more is not. */
  maxRecipients: number;
  messages: number;
  cost: string;
  currency: string;
}

export interface PlanSuggestion {
  kind: 'plan';
  plan: string;
  /** The suggested plan's fee plus additional messages for projectedMessages. */
  monthlyCost: string;
  currency: string;
  projectedMessages: number;
  /** The current plan's cost for the same volume; null if it can't carry it. */
  currentPlanMonthlyCost: string | null;
}

export interface NextMonthSuggestion {
  kind: 'next_month';
  month: string;
  /**
   * When to send instead: 10:00 on the 1st of that month in the account's zone (the morning after
   * the midnight reset, outside the night's quiet hours), for a client to set as the schedule as is;
   * null when the forecast wasn't told the zone.
   */
  at: string | null;
  cost: string;
  currency: string;
  verdict: Verdict;
  verdicts: BlockingVerdict[];
}

/** One part of a deferred send: the one that goes now, or the rest at the next monthly reset. */
export interface DeferPart {
  recipients: number;
  messages: number;
  freeMessages: number;
  paidMessages: number;
  cost: string;
  currency: string;
  /** The account's month the part goes in. */
  month: string;
  /** When it goes: the send's instant (now part), the first instant of next month in the account's zone (later part); null when the forecast wasn't told. */
  at: string | null;
  verdict: Verdict;
  verdicts: BlockingVerdict[];
}

/**
 * Policy `defer`: the recipients whose messages are all free this month go now; the rest go as a
 * second run at the next reset, forecast against next month's free quota.
 */
export interface DeferSuggestion {
  kind: 'defer';
  now: DeferPart;
  later: DeferPart;
  /** The whole send's cost now minus both parts' costs (may be 0, or below 0 on a card whose bands get cheaper). */
  saves: string;
  currency: string;
  /** Who goes now, when the service knows the campaign: by this contact attribute (ties by the seed); null: the seed alone. */
  priority?: { attribute: string; order: 'asc' | 'desc' } | null;
}

/**
 * Policy `trim`: what the gate sends instead of refusing the whole audience, the largest recipient
 * count that fits, and what the whole send would have met (`wouldBlock`).
 */
export interface TrimPlan {
  recipients: number;
  /** Audience members the trim leaves out. */
  leftOut: number;
  messages: number;
  freeMessages: number;
  paidMessages: number;
  cost: string;
  currency: string;
  /** The reasons the whole audience would be refused. */
  wouldBlock: BlockReason[];
}

export type Suggestion = TrimSuggestion | PlanSuggestion | NextMonthSuggestion | DeferSuggestion;

/** The forecast the API answers, without what the service adds (campaignId, lineAccountId, computedAt, rateCard.id). */
export interface Forecast {
  month: string;
  recipients: number;
  requestsPerRecipient: number;
  messages: number;
  quota: ForecastQuota;
  freeMessages: number;
  paidMessages: number;
  cost: ForecastCost;
  budget: ForecastBudget;
  verdict: Verdict;
  /** Every blocking verdict that applies, most severe first (empty when ok). */
  verdicts: BlockingVerdict[];
  /** The arithmetic in words, then each block reason's message, then warnings. */
  reasons: string[];
  /** The same reasons as codes with their figures (a block reason of two parts is two entries). */
  reasonDetails: ReasonDetail[];
  /** One per verdict, in the same order, with the call that clears it. */
  blockReasons: BlockReason[];
  /** What an approver should know that does not block: stale LINE figures under no cap, an unverified rate card. */
  warnings: string[];
  suggestions: Suggestion[];
  /** Under policy `defer`, the two parts the gate would send (null when nothing would be deferred). */
  deferral: DeferSuggestion | null;
  /**
   * Under policy `trim`, when the whole audience would be refused but a part fits: the part the
   * gate sends. The verdict, block reasons and reasons then say what the gate does (it sends,
   * trimmed: verdict ok); the figures above stay the whole audience's. Null otherwise.
   */
  trim: TrimPlan | null;
  rateCard: RateCardSummary;
}
