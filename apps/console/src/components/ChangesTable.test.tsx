import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import i18next from 'i18next';
import { ChangesTable } from './ChangesTable';

// GET /campaigns/:id/changes as the API answers it.
const answer = {
  campaignId: 'c1',
  lastApproval: { approvedAt: '2026-12-01T02:00:00.000Z', approvedById: 'u1', version: 3, comment: null },
  changes: [
    {
      field: 'messages' as const,
      before: [{ type: 'text', text: 'Sale' }],
      after: [{ type: 'text', text: 'Bigger sale' }],
    },
    {
      field: 'audience' as const,
      before: { id: 'a1', name: 'VIP', definition: { tag: 'vip' } },
      after: { id: 'a1', name: 'VIP', definition: { all: [{ tag: 'vip' }, { not: { tag: 'staff' } }] } },
    },
    { field: 'costCap' as const, before: '50.0000', after: null },
    { field: 'overBudgetPolicy' as const, before: 'block', after: 'trim' },
  ],
};

const rows = () =>
  within(within(screen.getByTestId('changes')).getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );

describe('changes since the last approval', () => {
  afterEach(() => i18next.changeLanguage('en'));

  it('shows each changed field then and now, in words, as the API listed them', () => {
    render(<ChangesTable changes={answer} timeZone="Asia/Taipei" currency="TWD" />);
    expect(screen.getByText(/Last approved at 2026-12-01 10:00 .*08:00 \(version 3\)/)).toBeTruthy();
    expect(rows()).toEqual([
      ['Messages', '1. Text: Sale', '1. Text: Bigger sale'],
      ['Audience', 'VIP (tag vip)', 'VIP (tag vip and not tag staff)'],
      ['Cost cap', 'NT$50.00', 'no cap'],
      ['Over-budget policy', 'block the send', 'send to as many as fit'],
    ]);
  });

  it('says when nothing changed, and when the campaign was never approved', () => {
    const { unmount } = render(
      <ChangesTable changes={{ ...answer, changes: [] }} timeZone="Asia/Taipei" currency="TWD" />,
    );
    expect(screen.getByText('Nothing changed since.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    unmount();
    render(
      <ChangesTable changes={{ ...answer, lastApproval: null, changes: [] }} timeZone="Asia/Taipei" currency="TWD" />,
    );
    expect(screen.getByTestId('changes-none').textContent).toBe('never approved before');
  });

  it("words an A/B test's settings, not its JSON", () => {
    render(
      <ChangesTable
        changes={{
          ...answer,
          changes: [
            {
              field: 'abTest' as const,
              before: null,
              after: { testShare: 20, metric: 'unique_click_rate', waitMinutes: 240, undecided: 'variant_a' },
            },
          ],
        }}
        timeZone="Asia/Taipei"
        currency="TWD"
      />,
    );
    const text = screen.getByTestId('changes').textContent!;
    expect(text).toContain('not an A/B test');
    expect(text).toContain('20% of the recipients get a variant, split evenly; after 240 minutes');
    expect(text).toContain('send variant A');
    expect(text).not.toContain('testShare');
    expect(text).not.toContain('null');
  });

  it('speaks Traditional Chinese', async () => {
    await i18next.changeLanguage('zh-TW');
    render(<ChangesTable changes={answer} timeZone="Asia/Taipei" currency="TWD" />);
    expect(rows()[1]).toEqual(['受眾', 'VIP (標籤 vip)', 'VIP (標籤 vip 且 非 標籤 staff)']);
    expect(rows()[3]).toEqual(['超出預算時', '阻擋發送', '只發送給預算內的人數']);
  });
});
