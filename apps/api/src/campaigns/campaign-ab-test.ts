import type { Campaign } from '@lcm/database';
import { AbTest, AbVariant, maxMessageObjects } from '@lcm/domain/ab-tests';

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
