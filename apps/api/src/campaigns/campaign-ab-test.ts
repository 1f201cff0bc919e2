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
  // Results, the audit log and the approver tell variants apart by name; two alike (ignoring case
  // and surrounding spaces) can't be told apart there.
  const seen = new Map<string, number>();
  for (const [index, variant] of (content.variants ?? []).entries()) {
    const name = (variant as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') continue;
    const key = name.trim().toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else
      problems.push({
        field: `variants[${index}].name`,
        problem: `must differ from variant ${String.fromCharCode(65 + first)}'s name ("${name.trim()}")`,
      });
  }
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
