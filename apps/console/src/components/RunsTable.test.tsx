import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import i18next from 'i18next';
import type { Run } from '../api/types';
import { RunsTable } from './RunsTable';

const progress = { recipients: 0, batches: 0, batchesDone: 0, delivered: 0, failed: 0, remaining: 0 };
const money = { amount: '0.0000', currency: 'TWD' };
// A blocked run and a completed A/B variant run with its note, as GET /runs answers them (the parts
// the table reads).
const runs = [
  {
    id: 'r1',
    campaignId: 'c1',
    status: 'blocked',
    scheduledAt: '2026-12-02T03:26:00.000Z',
    progress: { ...progress, recipientsPerSecond: null },
    reserved: { messages: 0, cost: money },
    actual: { messages: 0, cost: money },
    statusDetail: null,
    blockReasons: [{ code: 'over_budget', message: 'Over the cap.', clearedBy: 'PATCH /line-accounts/:id' }],
  },
  {
    id: 'r2',
    campaignId: 'c1',
    status: 'completed',
    scheduledAt: '2026-12-02T03:39:00.000Z',
    progress: { ...progress, recipients: 100, delivered: 100, recipientsPerSecond: 100 },
    reserved: { messages: 0, cost: money },
    actual: { messages: 100, cost: money },
    statusDetail: null,
    blockReasons: [{ code: 'ab_test', message: 'A/B test: variant B.', clearedBy: null }],
  },
] as unknown as Run[];

// The tag before each reason's words, in every run's list of reasons.
const tags = () => screen.getAllByTestId('block-reasons').flatMap((list) => [...list.querySelectorAll('.ant-tag')]);
const codes = () => tags().map((tag) => tag.textContent);

describe('runs table: what holds a run', () => {
  it("names each reason in words, not the API's code, in English and Traditional Chinese", async () => {
    const { unmount } = render(<RunsTable runs={runs} timeZone="Asia/Taipei" />);
    expect(codes()).toEqual(['Over budget', 'A/B test']);
    unmount();
    await i18next.changeLanguage('zh-TW');
    try {
      render(<RunsTable runs={runs} timeZone="Asia/Taipei" />);
      expect(codes()).toEqual(['超出預算', 'A/B 測試']);
      expect(document.body.textContent).not.toContain('over_budget');
    } finally {
      await i18next.changeLanguage('en');
    }
  });

  it('a note that holds nothing (clearedBy null) is not shown in red', () => {
    render(<RunsTable runs={runs} timeZone="Asia/Taipei" />);
    const [blocked, note] = tags();
    expect(blocked.className).toContain('ant-tag-red');
    expect(note.className).not.toContain('ant-tag-red');
  });
});
