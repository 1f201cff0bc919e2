import { Dec } from '../money';

/** What an A/B test compares its variants by: unique clicks or unique impressions over delivered. */
export const AB_METRICS = ['unique_click_rate', 'unique_impression_rate'] as const;
export type AbMetric = (typeof AB_METRICS)[number];

/** What happens when the winner can't be told: send variant A, send none, or wait once more. */
export const AB_UNDECIDED_RULES = ['variant_a', 'none', 'wait'] as const;
export type AbUndecidedRule = (typeof AB_UNDECIDED_RULES)[number];

export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 4;

/**
 * Two rates closer than this (absolute, as a fraction: 0.01 is one percentage point) are a tie.
 * LINE's counts are of unique users and already rounded by its privacy threshold; a lead of less
 * than a point on test groups of a few hundred is noise, not a winner.
 */
export const AB_TIE_MARGIN = '0.01';

export interface AbTest {
  /** Percent of the recipients (1 to 99) that get a variant; the rest get the winner. */
  testShare: number;
  metric: AbMetric;
  /** How long after the variants start the results are read (at least 1). */
  waitMinutes: number;
  undecided: AbUndecidedRule;
}

export interface AbVariant {
  name: string;
  messages: unknown[];
}

/** "A", "B", … for variant 0, 1, … */
export function variantLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/**
 * How the recipients split: the first ⌊recipients × testShare / 100⌋ in the seeded order are the
 * test, split into `variants` consecutive groups as even as can be (the first groups take one more
 * when it doesn't divide); the rest is the remainder. Positions are 0-based in the seeded order.
 */
export function splitTest(
  recipients: number,
  testShare: number,
  variants: number,
): { variants: { start: number; end: number }[]; remainder: { start: number; end: number } } {
  const test = Math.floor((recipients * testShare) / 100);
  const base = Math.floor(test / variants);
  const extra = test % variants;
  const groups: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = 0; i < variants; i++) {
    const size = base + (i < extra ? 1 : 0);
    groups.push({ start, end: start + size });
    start += size;
  }
  return { variants: groups, remainder: { start: test, end: recipients } };
}

/** One variant's figures as read from LINE: the metric's count (null: LINE's "fewer than 20") and delivered. */
export interface VariantFigures {
  variant: number;
  delivered: number;
  /** Unique clicks or unique impressions, as the metric says; null when LINE said fewer than 20 (or no reading). */
  count: number | null;
}

export type WinnerPick =
  | { kind: 'winner'; winner: number; rates: (string | null)[]; lead: string }
  | {
      kind: 'undecided';
      reason: 'below_threshold' | 'tie' | 'nothing_delivered' | 'line_unavailable';
      rates: (string | null)[];
    };

/**
 * No figures at all: LINE's statistics could not be read (an outage outlasting the retries). Like a
 * count LINE withheld, nobody can tell, so the undecided rule decides.
 */
export function unreadPick(variants: number): WinnerPick {
  return { kind: 'undecided', reason: 'line_unavailable', rates: Array<string | null>(variants).fill(null) };
}

/**
 * The winner by the metric: the variant whose rate leads every other by at least AB_TIE_MARGIN.
 * Undecided when any variant's count is unknown (under LINE's threshold), when one delivered to
 * nobody, or when the best two are within the margin.
 */
export function pickWinner(figures: readonly VariantFigures[]): WinnerPick {
  const rates = figures.map((f) =>
    f.count === null || f.delivered <= 0 ? null : new Dec(f.count).dividedBy(f.delivered).toFixed(4, Dec.ROUND_HALF_UP),
  );
  if (figures.some((f) => f.delivered <= 0)) return { kind: 'undecided', reason: 'nothing_delivered', rates };
  if (figures.some((f) => f.count === null)) return { kind: 'undecided', reason: 'below_threshold', rates };
  // Compared exactly (count / delivered), not by the 4-decimal rates shown.
  const exact = figures.map((f) => new Dec(f.count!).dividedBy(f.delivered));
  const order = exact.map((rate, index) => ({ rate, index })).sort((a, b) => b.rate.comparedTo(a.rate));
  const lead = order[0].rate.minus(order[1].rate);
  if (lead.lessThan(AB_TIE_MARGIN)) return { kind: 'undecided', reason: 'tie', rates };
  return { kind: 'winner', winner: figures[order[0].index].variant, rates, lead: lead.toFixed(4, Dec.ROUND_HALF_UP) };
}

export type AbDecision =
  { action: 'send'; variant: number; by: 'winner' | 'variant_a' } | { action: 'none' } | { action: 'wait' };

/**
 * What the remainder gets: the winner; else the campaign's rule. `wait` waits once more (waitMinutes
 * again); still undecided after that, nothing is sent — the cheap answer to a test that told
 * nothing twice.
 */
export function decideRemainder(pick: WinnerPick, rule: AbUndecidedRule, waitsSoFar: number): AbDecision {
  if (pick.kind === 'winner') return { action: 'send', variant: pick.winner, by: 'winner' };
  if (rule === 'variant_a') return { action: 'send', variant: 0, by: 'variant_a' };
  if (rule === 'wait' && waitsSoFar === 0) return { action: 'wait' };
  return { action: 'none' };
}

/** Message objects per recipient the forecast counts: the largest variant's (the winner is not known yet). */
export function maxMessageObjects(messages: unknown[], variants: readonly AbVariant[] | null): number {
  if (!variants || variants.length === 0) return messages.length;
  return Math.max(...variants.map((variant) => variant.messages.length));
}

/** LINE withholds a unit's counts under this many unique users (it answers null, "fewer than 20"). */
export const LINE_COUNT_THRESHOLD = 20;

/**
 * A forecast's note (not a block) when a variant's group would be under LINE's 20: its count can
 * never be read, so the test can't be decided and its `undecided` rule sends the rest. Null when
 * every group has at least 20 or nobody would be sent to.
 */
export function smallGroupsNote(
  recipients: number,
  abTest: Pick<AbTest, 'testShare' | 'undecided' | 'waitMinutes'>,
  variants: number,
): { code: string; params: Record<string, string | number>; text: string } | null {
  if (recipients <= 0 || variants < 1) return null;
  const split = splitTest(recipients, abTest.testShare, variants);
  const smallest = Math.min(...split.variants.map((group) => group.end - group.start));
  if (smallest >= LINE_COUNT_THRESHOLD) return null;
  const n = (value: number) => value.toLocaleString('en-US');
  const tested = split.remainder.start;
  const rest = split.remainder.end - split.remainder.start;
  const then =
    abTest.undecided === 'variant_a'
      ? `variant A goes to the other ${n(rest)}`
      : abTest.undecided === 'none'
        ? `the other ${n(rest)} get nothing`
        : `it waits ${n(abTest.waitMinutes)} minutes once more and then the other ${n(rest)} get nothing`;
  return {
    // One code per rule, so a client words what then happens in its own language.
    code: `ab_test.groups_too_small.${abTest.undecided}`,
    params: {
      recipients,
      testShare: abTest.testShare,
      tested,
      variants,
      smallest,
      minimum: LINE_COUNT_THRESHOLD,
      rest,
      undecided: abTest.undecided,
      waitMinutes: abTest.waitMinutes,
    },
    text:
      `The A/B test's groups are too small to be decided: ${abTest.testShare}% of ${n(recipients)} is ` +
      `${n(tested)} recipients for ${variants} variants, ${n(smallest)} in the smallest group, and LINE withholds ` +
      `counts under ${LINE_COUNT_THRESHOLD}, so no winner can be told. By the undecided rule (${abTest.undecided}) ` +
      `${then}. Each variant needs at least ${LINE_COUNT_THRESHOLD} recipients: raise testShare or the audience.`,
  };
}
