import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import i18next from 'i18next';
import type { Run } from '../api/types';
import { RunsTable } from './RunsTable';

// A run as GET /campaigns/:id/runs answers it, with the notes the budget gate leaves (clearedBy null).
function run(overrides: Partial<Run>): Run {
  return {
    id: 'r1',
    status: 'completed',
    scheduledAt: '2026-12-01T02:00:00.000Z',
    quietHoursOverride: false,
    abTest: null,
    progress: {
      recipients: 1000,
      batches: 2,
      batchesDone: 2,
      delivered: 1000,
      failed: 0,
      remaining: 0,
      recipientsPerSecond: null,
    },
    actual: { messages: 1000, cost: { amount: '0.0000', currency: 'TWD' } },
    reserved: { messages: 1000, cost: { amount: '0.0000', currency: 'TWD' } },
    statusDetail: null,
    blockReasons: [],
    ...overrides,
  } as unknown as Run;
}

const note = (code: string, detail: string, params: Record<string, string | number>, message: string) => ({
  code,
  message,
  clearedBy: null,
  details: [{ code: detail, params, text: message }],
});

const deferred = note(
  'deferred',
  'note.deferred',
  {
    sent: 2000,
    recipients: 6000,
    later: 4000,
    messages: 4000,
    runId: 'r2',
    at: '2026-12-31T16:00:00.000Z',
    cost: '0.0000',
    verdict: 'ok',
    saves: '800.0000',
    currency: 'TWD',
  },
  'Sent 2000 of 6000 recipients now, free; the other 4000 (4000 messages) go as run r2 at the monthly reset, 2026-12-31T16:00:00.000Z, forecast there at 0.0000 TWD (ok) instead of 800.0000 TWD more now (policy defer).',
);
const trimmed = note(
  'trimmed',
  'note.trimmed',
  { from: 1200, to: 1000 },
  'Trimmed from 1200 to 1000 recipients to fit the budget (policy trim).',
);
const noUnit = note(
  'no_aggregation_unit',
  'note.no_aggregation_unit',
  { units: 1000 },
  "LINE's 1000 aggregation units for this month are used up, so this run was sent without one: LINE reports no impressions or clicks for it. The count starts again next month.",
);
const abSplit = note(
  'ab_test',
  'note.ab_test.split',
  {
    testShare: 20,
    recipients: 1000,
    groups: 'A "Spring" 100, B "Summer" 100',
    waitMinutes: 60,
    at: '2026-12-01T03:00:00.000Z',
    metric: 'unique_click_rate',
    rest: 800,
    runId: 'r3',
    undecided: 'variant_a',
  },
  'A/B test: 20% of 1000 recipients get a variant (A "Spring" 100, B "Summer" 100); after 60 minutes, at 2026-12-01T03:00:00.000Z, the winner by unique_click_rate goes to the other 800 as run r3 (undecided: variant_a). This run sends variant A.',
);

const notes = () =>
  within(screen.getByTestId('block-reasons'))
    .getAllByRole('listitem')
    .map((item) => item.textContent);

describe("a run's notes", () => {
  afterEach(() => i18next.changeLanguage('en'));

  it("are worded in Traditional Chinese from their details, times in the account's timezone", async () => {
    await i18next.changeLanguage('zh-TW');
    render(<RunsTable runs={[run({ blockReasons: [trimmed, deferred, abSplit, noUnit] })]} timeZone="Asia/Taipei" />);
    const [trim, defer, ab, unit] = notes();
    expect(trim).toBe('已縮減 為符合預算，收件人由 1,200 位縮減為 1,000 位（超出預算時縮減）。');
    expect(defer).toContain('現在免費發送給 6,000 位中的 2,000 位');
    // The reset at the account's midnight, not the API's UTC instant; the verdict and money in words.
    expect(defer).toMatch(/於每月重置時（2027-01-01 00:00 .*08:00）/);
    expect(defer).toContain('（可以發送）');
    expect(defer).toContain('而非現在多花 NT$800.00');
    expect(ab).toContain('1,000 位收件人中的 20% 收到各版本');
    expect(ab).toContain('依 不重複點擊率 勝出的版本');
    expect(ab).toContain('無法判定時：發送 A 版本');
    expect(unit).toContain('本月 LINE 的 1,000 個彙總單位已用完');
    // No English left past each note's code tag.
    for (const text of [trim, defer, ab, unit])
      expect(text!.replace(/^\S+ /, '')).not.toMatch(/recipients|aggregation|policy/);
  });

  it("show the API's English in English, and for notes kept before they had details", async () => {
    render(
      <RunsTable
        runs={[run({ blockReasons: [trimmed, { code: 'deferred', message: 'The rest of run x.', clearedBy: null }] })]}
        timeZone="Asia/Taipei"
      />,
    );
    expect(notes()).toEqual([`Trimmed ${trimmed.message}`, 'Deferred The rest of run x.']);
  });
});

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
