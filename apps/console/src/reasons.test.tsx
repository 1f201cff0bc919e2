import { afterEach, describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { blockReasonText, forecastReasons, reasonText, statusDetailText } from './reasons';

const monthly = {
  code: 'over_budget.monthly',
  params: {
    spent: '0.0000',
    reserved: '0.0000',
    cost: '1234.5000',
    after: '1234.5000',
    cap: '1000.0000',
    over: '234.5000',
    currency: 'TWD',
  },
  text: 'Spent 0.0000 TWD + reserved 0.0000 TWD + this send 1234.5000 TWD = 1234.5000 TWD, past the monthly budget of 1000.0000 TWD by 234.5000 TWD: raise it (monthlyBudget) or send to fewer.',
};
const t = () => i18next.t.bind(i18next);

describe("the API's reasons in the reader's language", () => {
  afterEach(() => i18next.changeLanguage('en'));

  it('shows the API’s English in English', () => {
    expect(reasonText(monthly, t(), 'en')).toBe(monthly.text);
  });

  it('words a known code in Traditional Chinese from its figures, money and counts formatted', async () => {
    await i18next.changeLanguage('zh-TW');
    expect(reasonText(monthly, t(), 'zh-TW')).toBe(
      '已花費 NT$0.00 ＋ 已保留 NT$0.00 ＋ 此次發送 NT$1,234.50 ＝ NT$1,234.50，超出每月預算 NT$1,000.00 達 NT$234.50：請提高預算（monthlyBudget）或減少收件人。',
    );
    const counted = { code: 'split.all_free', params: { messages: 12000 }, text: 'All 12,000 messages are free.' };
    expect(reasonText(counted, t(), 'zh-TW')).toBe('全部 12,000 則訊息皆為免費。');
  });

  it("words an A/B test's too-small groups note by its undecided rule in Traditional Chinese", async () => {
    const params = { recipients: 100, testShare: 1, tested: 1, variants: 3, smallest: 0, minimum: 20, rest: 99 };
    const note = (rule: string) => ({
      code: `ab_test.groups_too_small.${rule}`,
      params: { ...params, undecided: rule, waitMinutes: 60 },
      text: 'English',
    });
    await i18next.changeLanguage('zh-TW');
    expect(reasonText(note('variant_a'), t(), 'zh-TW')).toContain('組別太小，無法判定');
    expect(reasonText(note('variant_a'), t(), 'zh-TW')).toContain('其餘 99 位會收到 A 版本');
    expect(reasonText(note('none'), t(), 'zh-TW')).toContain('其餘 99 位不會收到任何訊息');
    expect(reasonText(note('wait'), t(), 'zh-TW')).toContain('再等待 60 分鐘');
  });

  it("words each of a run's notes in Traditional Chinese from its details", async () => {
    const note = (code: string, detail: string, params: Record<string, string | number>) => ({
      code,
      message: 'English',
      clearedBy: null,
      details: [{ code: detail, params, text: 'English' }],
    });
    const runId = 'run-1';
    const at = '2026-01-01T00:00:00.000Z';
    await i18next.changeLanguage('zh-TW');
    const zh = (reason: ReturnType<typeof note>) => blockReasonText(reason, t(), 'zh-TW');
    expect(zh(note('trimmed', 'note.trimmed', { from: 1200, to: 1000 }))).toBe(
      '為符合預算，收件人由 1,200 位縮減為 1,000 位（超出預算時縮減）。',
    );
    const deferred = zh(
      note('deferred', 'note.deferred', {
        sent: 500,
        recipients: 1500,
        later: 1000,
        messages: 1000,
        runId,
        at,
        cost: '0.0000',
        verdict: 'ok',
        saves: '1234.5000',
        currency: 'TWD',
      }),
    );
    expect(deferred).toContain('現在免費發送給 1,500 位中的 500 位');
    expect(deferred).toContain('而非現在多花 NT$1,234.50');
    expect(zh(note('deferred', 'note.deferred.remainder', { runId }))).toContain('延後到每月重置的其餘部分');
    expect(zh(note('deferred', 'note.deferred.remainder_blocked', { runId }))).toContain('本月也無法容納');
    const split = zh(
      note('ab_test', 'note.ab_test.split', {
        testShare: 20,
        recipients: 1000,
        groups: 'A "Spring" 100, B "Summer" 100',
        waitMinutes: 60,
        at,
        metric: 'clicks',
        rest: 800,
        runId,
        undecided: 'variant_a',
      }),
    );
    expect(split).toContain('1,000 位收件人中的 20% 收到各版本（A "Spring" 100, B "Summer" 100）');
    expect(split).toContain('其餘 800 位');
    expect(zh(note('ab_test', 'note.ab_test.variant', { variant: 'B', name: 'Summer', runId }))).toBe(
      'A/B 測試：B 版本「Summer」，發送 run-1 的測試組別之一。',
    );
    expect(
      zh(note('ab_test', 'note.ab_test.remainder_waiting', { runId, at, metric: 'clicks', undecided: 'none' })),
    ).toContain('發送 run-1 的其餘受眾');
    expect(zh(note('ab_test', 'note.ab_test.remainder', { variant: 'A', runId }))).toContain(
      'A 版本送給發送 run-1 的其餘受眾',
    );
    expect(zh(note('ab_test', 'note.ab_test.remainder_blocked', { variant: 'A', runId }))).toContain('預算關卡拒絕了');
    expect(
      zh(note('ab_test', 'note.ab_test.undecided_none', { reason: 'a tie', undecided: 'none', recipients: 800 })),
    ).toBe('A/B 測試：無法分出勝負（a tie）；依規則「不發送」，其餘 800 位收件人不會收到任何訊息。');
    expect(zh(note('no_aggregation_unit', 'note.no_aggregation_unit', { units: 1000 }))).toContain(
      '本月 LINE 的 1,000 個彙總單位已用完',
    );
    const held = (code: string) => ({
      statusDetail: 'English',
      statusDetails: [{ code, params: { at: '09:00 +08:00' }, text: 'English' }],
    });
    expect(statusDetailText(held('quiet_hours.waiting'), t(), 'zh-TW')).toBe('正在等待勿擾時段於 09:00 +08:00 結束');
    expect(statusDetailText(held('quiet_hours.paused'), t(), 'zh-TW')).toBe(
      '因勿擾時段在批次之間暫停；於 09:00 +08:00 繼續',
    );
    // Runs kept before notes had details show the API's English.
    expect(statusDetailText({ statusDetail: 'waiting for quiet hours to end at 09:00' }, t(), 'zh-TW')).toBe(
      'waiting for quiet hours to end at 09:00',
    );
    expect(blockReasonText({ code: 'deferred', message: 'The rest of run x.' }, t(), 'zh-TW')).toBe(
      'The rest of run x.',
    );
  });

  it('falls back to the API’s English for a code it does not know, and for answers without details', async () => {
    await i18next.changeLanguage('zh-TW');
    expect(reasonText({ code: 'something_new', params: { n: 3 }, text: 'Something new.' }, t(), 'zh-TW')).toBe(
      'Something new.',
    );
    expect(forecastReasons({ reasons: ['A line.'] }, t(), 'zh-TW')).toEqual(['A line.']);
    expect(blockReasonText({ code: 'trimmed', message: 'Trimmed to 10.' }, t(), 'zh-TW')).toBe('Trimmed to 10.');
    expect(
      blockReasonText(
        {
          code: 'over_budget',
          message: monthly.text,
          details: [monthly, { ...monthly, code: 'unknown', text: 'Also.' }],
        },
        t(),
        'zh-TW',
      ),
    ).toMatch(/^已花費 .*減少收件人。 Also\.$/);
  });

  it('has a translation for every code the domain gives', async () => {
    const codes = [
      'messages',
      'quota.plan.line',
      'quota.plan.ledger',
      'quota.line_limit.line',
      'quota.line_limit.ledger',
      'split.nothing',
      'split.all_free',
      'split.past_free',
      'split.paid',
      'rate_card.unverified',
      'over_plan_limit',
      'over_line_cap',
      'over_budget.monthly',
      'over_budget.cost_cap',
      'quota_unknown',
      'stale_no_cap',
      'needs_reapproval.cost',
      'needs_reapproval.lapsed',
      'policy.trim',
      'policy.defer',
      'campaign.under_way',
      'note.trimmed',
      'note.deferred',
      'note.deferred.remainder',
      'note.deferred.remainder_blocked',
      'note.ab_test.split',
      'note.ab_test.variant',
      'note.ab_test.remainder_waiting',
      'note.ab_test.remainder',
      'note.ab_test.remainder_blocked',
      'note.ab_test.undecided_none',
      'note.ab_test.line_unavailable',
      'note.no_aggregation_unit',
      'quiet_hours.waiting',
      'quiet_hours.paused',
    ];
    for (const code of codes) expect(i18next.exists(`reason.${code}`, { lng: 'zh-TW' })).toBe(true);
  });
});
