import { afterEach, describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { blockReasonText, forecastReasons, reasonText } from './reasons';

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
    ];
    for (const code of codes) expect(i18next.exists(`reason.${code}`, { lng: 'zh-TW' })).toBe(true);
  });
});
