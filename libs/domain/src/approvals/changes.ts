/**
 * What an approver signs off is a campaign's content; what they need to see on a re-submission is
 * how it differs from the content the last approval covered. The service stores that content at
 * approval (it outlives a withdrawal) and compares it here with the campaign as it is now.
 */
export interface ApprovedAudience {
  id: string;
  name: string;
  /** The audience's rule tree: an audience edited under the same id changes who gets the send. */
  definition: unknown;
}

export interface CampaignContent {
  name: string;
  audience: ApprovedAudience;
  messages: unknown[];
  /** A/B test variants ({name, messages}), null without a test; absent in content stored before them. */
  variants?: unknown;
  abTest?: unknown;
  schedule: unknown;
  overBudgetPolicy: string;
  /** Decimal string, or null without a cap. */
  costCap: string | null;
  maxRecipients: number | null;
  frequencyCap: unknown;
  /** Policy defer's priority ({attribute, order}), null without one; absent in content stored before it. */
  deferPriority?: unknown;
}

/** The fields compared, in the order an approver reads them. */
export const CONTENT_FIELDS = [
  'messages',
  'variants',
  'abTest',
  'audience',
  'schedule',
  'overBudgetPolicy',
  'deferPriority',
  'costCap',
  'maxRecipients',
  'frequencyCap',
  'name',
] as const satisfies readonly (keyof CampaignContent)[];
export type ContentField = (typeof CONTENT_FIELDS)[number];

export interface ContentChange {
  field: ContentField;
  /** At the last approval. */
  before: unknown;
  /** Now. */
  after: unknown;
}

/** The fields whose value differs (JSON-equal values with keys in another order are equal). */
export function contentChanges(approved: CampaignContent, now: CampaignContent): ContentChange[] {
  return CONTENT_FIELDS.filter((field) => canonical(approved[field]) !== canonical(now[field])).map((field) => ({
    field,
    before: approved[field] ?? null,
    after: now[field] ?? null,
  }));
}

/** JSON with object keys sorted, so stored JSONB (which reorders keys) compares equal to the same value. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
