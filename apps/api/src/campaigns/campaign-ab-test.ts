import type { Campaign } from '@lcm/database';
import { AbTest, AbVariant, maxMessageObjects } from '@lcm/domain/ab-tests';
import { CampaignSchedule, isRecurring } from '@lcm/domain/schedules';
import type { FieldProblem } from '../common/api-error';

/** An A/B test's variants, or null for a campaign with plain messages. */
export function variantsOf(campaign: Pick<Campaign, 'variants'>): AbVariant[] | null {
  return Array.isArray(campaign.variants) ? (campaign.variants as unknown as AbVariant[]) : null;
}

export function abTestOf(campaign: Pick<Campaign, 'abTest'>): AbTest | null {
  return campaign.abTest && typeof campaign.abTest === 'object' ? (campaign.abTest as unknown as AbTest) : null;
}

/** Message objects per recipient a forecast counts: the largest variant's on an A/B test (the winner is not known before). */
export function messageObjectsOf(campaign: Pick<Campaign, 'messages' | 'variants'>): number {
  return maxMessageObjects(campaign.messages as unknown[], variantsOf(campaign));
}

/** What a run sends: its variant's messages on an A/B test, else the campaign's. */
export function messagesFor(campaign: Pick<Campaign, 'messages' | 'variants'>, variant: number | null): unknown[] {
  const variants = variantsOf(campaign);
  if (variants && variant !== null) return variants[variant]?.messages ?? [];
  return (campaign.messages ?? []) as unknown[];
}

/**
 * A campaign has messages or variants (an A/B test), never both; variants come with their test
 * and the test with variants; an A/B test sends once (not on a recurring schedule) and is held to
 * its approval (not deferred).
 */
export function abTestProblems(
  content: { messages: unknown[] | null; variants: unknown[] | null; abTest: unknown },
  policy: { overBudgetPolicy: string; schedule: CampaignSchedule },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const hasMessages = content.messages !== null && content.messages.length > 0;
  if (content.variants && hasMessages)
    problems.push({ field: 'variants', problem: 'give either messages or variants (an A/B test), not both' });
  if (!content.variants && !hasMessages)
    problems.push({ field: 'messages', problem: 'is required (or variants, for an A/B test)' });
  if (content.variants && !content.abTest)
    problems.push({
      field: 'abTest',
      problem: 'is required with variants: {testShare, metric, waitMinutes, undecided}',
    });
  if (!content.variants && content.abTest) problems.push({ field: 'abTest', problem: 'needs variants' });
  if (content.variants && isRecurring(policy.schedule))
    problems.push({
      field: 'abTest',
      problem: 'an A/B test sends once: give it a one-off schedule ({at}) or none (send-now), not a recurring one',
    });
  if (content.variants && policy.overBudgetPolicy === 'defer')
    problems.push({
      field: 'overBudgetPolicy',
      problem: "an A/B test is reserved whole at its gate and can't be deferred (use block or trim)",
    });
  return problems;
}
