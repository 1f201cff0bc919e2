// Shapes the API answers, for component tests that stub it at fetch: one source for each, so a
// field the API adds is added here once.

/** A saved draft campaign as GET/POST/PATCH /campaigns answer it; `fields` override any field. */
export function savedCampaign(fields: Record<string, unknown>, version = 1) {
  return {
    id: 'c1',
    lineAccountId: 'a1',
    audienceId: 'u1',
    name: 'Winter sale',
    messages: [],
    variants: null,
    abTest: null,
    requestsPerRecipient: 1,
    schedule: null,
    maxRecipients: null,
    costCap: null,
    overBudgetPolicy: 'block',
    frequencyCap: null,
    deferPriority: null,
    status: 'draft',
    createdById: 'm1',
    lastEditedById: 'm1',
    submission: null,
    approval: null,
    lastRejection: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...fields,
    version,
  };
}
