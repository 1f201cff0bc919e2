import { CampaignContent, contentChanges } from './changes';

const approved: CampaignContent = {
  name: 'Year-end sale',
  audience: { id: 'a1', name: 'VIP', definition: { all: [{ tag: 'vip' }] } },
  messages: [{ type: 'text', text: 'Sale' }],
  schedule: { at: '2026-12-20T02:00:00.000Z' },
  overBudgetPolicy: 'block',
  costCap: '100.0000',
  maxRecipients: null,
  frequencyCap: null,
};

describe('contentChanges', () => {
  it('finds nothing when only the key order differs', () => {
    const same = { ...approved, messages: [{ text: 'Sale', type: 'text' }] };
    expect(contentChanges(approved, same)).toEqual([]);
  });

  it('lists each changed field with its value then and now, in reading order', () => {
    const now: CampaignContent = {
      ...approved,
      name: 'Year-end sale!',
      messages: [{ type: 'text', text: 'Bigger sale' }],
      costCap: null,
      overBudgetPolicy: 'trim',
    };
    expect(contentChanges(approved, now)).toEqual([
      { field: 'messages', before: approved.messages, after: now.messages },
      { field: 'overBudgetPolicy', before: 'block', after: 'trim' },
      { field: 'costCap', before: '100.0000', after: null },
      { field: 'name', before: 'Year-end sale', after: 'Year-end sale!' },
    ]);
  });

  it('sees an audience edited under the same id', () => {
    const now = {
      ...approved,
      audience: { ...approved.audience, definition: { all: [{ tag: 'vip' }, { tag: 'tw' }] } },
    };
    expect(contentChanges(approved, now).map((c) => c.field)).toEqual(['audience']);
  });

  it("lists policy defer's priority, and takes content stored before it as without one", () => {
    const now: CampaignContent = { ...approved, deferPriority: { attribute: 'points', order: 'desc' } };
    expect(contentChanges(approved, now)).toEqual([
      { field: 'deferPriority', before: null, after: { attribute: 'points', order: 'desc' } },
    ]);
    expect(contentChanges(approved, { ...approved, deferPriority: null })).toEqual([]);
  });
});
