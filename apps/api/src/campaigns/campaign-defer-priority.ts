import type { Campaign } from '@lcm/database';

/** Policy defer: who goes now, by a contact attribute, highest (desc) or lowest (asc) first. */
export interface DeferPriority {
  attribute: string;
  order: 'asc' | 'desc';
}

type PriorityColumns = Pick<Campaign, 'deferPriorityAttribute' | 'deferPriorityOrder'>;

/** The campaign's priority; null: the seeded random order alone. */
export function deferPriorityOf(campaign: PriorityColumns): DeferPriority | null {
  if (!campaign.deferPriorityAttribute || !campaign.deferPriorityOrder) return null;
  return { attribute: campaign.deferPriorityAttribute, order: campaign.deferPriorityOrder === 'asc' ? 'asc' : 'desc' };
}

export function deferPriorityColumns(priority: DeferPriority | null): PriorityColumns {
  return { deferPriorityAttribute: priority?.attribute ?? null, deferPriorityOrder: priority?.order ?? null };
}
