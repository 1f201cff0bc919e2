import type { Campaign } from '@lcm/database';
import { frequencyCapOf, FrequencyCap, FrequencyCapOverride } from '@lcm/domain/frequency-caps';

/** The API's form of a campaign's choice: null (the account's cap), its own cap, or "none". */
export type FrequencyCapField = FrequencyCap | 'none' | null;

export function frequencyCapOverrideOf(
  campaign: Pick<Campaign, 'frequencyCap' | 'frequencyCapMessages' | 'frequencyCapDays'>,
): FrequencyCapOverride {
  if (campaign.frequencyCap === 'none') return { kind: 'none' };
  const cap = frequencyCapOf(campaign.frequencyCapMessages, campaign.frequencyCapDays);
  return campaign.frequencyCap === 'own' && cap ? { kind: 'own', cap } : { kind: 'account' };
}

export function frequencyCapField(campaign: Parameters<typeof frequencyCapOverrideOf>[0]): FrequencyCapField {
  const override = frequencyCapOverrideOf(campaign);
  return override.kind === 'account' ? null : override.kind === 'none' ? 'none' : override.cap;
}

export function frequencyCapColumns(field: FrequencyCapField): {
  frequencyCap: string;
  frequencyCapMessages: number | null;
  frequencyCapDays: number | null;
} {
  if (field === null) return { frequencyCap: 'account', frequencyCapMessages: null, frequencyCapDays: null };
  if (field === 'none') return { frequencyCap: 'none', frequencyCapMessages: null, frequencyCapDays: null };
  return { frequencyCap: 'own', frequencyCapMessages: field.messages, frequencyCapDays: field.days };
}
