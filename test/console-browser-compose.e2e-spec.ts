// The campaign composer in a real browser (Debian's Chromium through playwright-core) against the
// service and the LINE simulator: the forecast follows the unsaved draft as it is edited, a cron
// lists its next five sends in the account's zone with the offset (both from the API), and "Send
// now" asks first with what the send will cost. Screenshots go to test-output/screenshots/.
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import {
  builtConsole,
  CHROMIUM,
  expectAccessible,
  haveBrowser,
  launchChromium,
  settles,
  shoot,
  signIn as signInAs,
} from './support/console-browser';
import { simulatorAccount } from './support/dispatch-fixture';

const PASSWORD = 'correct horse battery staple';
const FOLLOWERS = 40;

if (!haveBrowser)
  console.warn(`composer e2e SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
const describeInBrowser = haveBrowser ? describe : describe.skip;

/** The API's money as the console writes it (en-US: "NT$1,234.50"). */
const money = (m: { amount: string; currency: string }) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: m.currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(Number(m.amount));

describeInBrowser('the campaign composer in a browser', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let browser: Browser;
  let baseUrl: string;
  let accountId: string;
  let audienceId: string;
  const tokens: Record<string, string> = {};
  const emails = { marketer: 'hsu@example.com', approver: 'chen@example.com' };

  beforeAll(async () => {
    const consoleDir = builtConsole('compose');
    sim = await startLineSimulator({ port: 0, seed: 'composer-e2e' });
    t = await createTestApp({ CONSOLE_DIR: consoleDir, DISPATCH_ENABLED: 'true', DISPATCH_POLL_MS: '100' });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    for (const [role, email] of Object.entries(emails)) {
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(bearer(t.adminToken))
        .send({ email, name: role === 'marketer' ? 'Hsu' : 'Chen', role, password: PASSWORD })
        .expect(201);
      tokens[role] = created.body.token as string;
    }
    // 5,990 of the 6,000 free messages counted at LINE (no LINE cap): a send to all 40 followers has a paid part.
    accountId = await simulatorAccount(t, sim, {
      name: 'Tea House Taichung',
      channelId: '1900000101',
      accessToken: 'composer-token',
      plan: 'high',
      monthlyBudget: '500',
      quota: { type: 'none' },
      consumption: 5990,
      followers: FOLLOWERS,
    });
    const audience = await t
      .http()
      .post('/api/v1/audiences')
      .set(bearer(tokens.marketer))
      .send({ lineAccountId: accountId, name: 'All followers', definition: { all: [] } })
      .expect(201);
    audienceId = audience.body.id;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
  });

  const signIn = (locale: 'en-US' | 'zh-TW', who: keyof typeof emails) =>
    signInAs(browser, baseUrl, { locale, email: emails[who], password: PASSWORD, accountId: accountId });

  /** What the API forecasts for this draft (the marketer's own call, as the console makes it). */
  const apiForecast = async (draft: Record<string, unknown>) =>
    (
      await t
        .http()
        .post('/api/v1/campaigns/forecast-draft')
        .set(bearer(tokens.marketer))
        .send({
          lineAccountId: accountId,
          audienceId,
          messages: [{ type: 'text', text: 'Spring tea' }],
          schedule: null,
          overBudgetPolicy: 'block',
          costCap: null,
          maxRecipients: null,
          ...draft,
        })
        .expect(200)
    ).body;

  it('the forecast follows the unsaved draft as it is edited, and a cron lists its next five sends', async () => {
    const { context, page } = await signIn('en-US', 'marketer');
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('button', { name: 'New campaign' }).click();
    await page.getByLabel('Campaign name').fill('Spring tea');
    await page.getByRole('combobox', { name: 'Audience' }).click();
    await page.locator('.ant-select-item-option', { hasText: 'All followers' }).first().click();
    await page.getByLabel('Message text').fill('Spring tea');

    // Nothing saved, and the panel already shows the API's forecast of the draft: 40 recipients, a paid part.
    const whole = await apiForecast({});
    expect(whole.paidMessages).toBeGreaterThan(0);
    const cost = page.getByTestId('forecast-cost');
    await settles(() => cost.innerText(), money(whole.cost), 30_000);
    const panel = page.getByTestId('forecast-panel');
    expect(await panel.innerText()).toMatch(new RegExp(`Recipients\\s+${FOLLOWERS}\\n`));
    expect(await page.getByTestId('forecast-reasons').locator('li').allInnerTexts()).toEqual(whole.reasons);

    // A cost cap of NT$1 below the cost: the API's verdict and its suggestions, still unsaved.
    await page.getByLabel('Cost cap (TWD)').fill('1');
    const capped = await apiForecast({ costCap: '1' });
    expect(capped.verdict).not.toBe('ok');
    await settles(() => page.getByTestId('verdict').innerText(), 'Over budget', 30_000);
    expect(await page.getByTestId('forecast-reasons').locator('li').allInnerTexts()).toEqual(capped.reasons);

    // A suggestion applies to the draft in one click: trimmed to what the API says fits, forecast again.
    const trim = (capped.suggestions as { kind: string; maxRecipients: number }[]).find((s) => s.kind === 'trim')!;
    expect(trim.maxRecipients).toBeLessThan(FOLLOWERS);
    await page.getByRole('button', { name: 'Trim the audience' }).click();
    const max = page.getByLabel('At most this many recipients');
    await settles(() => max.inputValue(), String(trim.maxRecipients));
    const trimmed = await apiForecast({ costCap: '1', maxRecipients: trim.maxRecipients });
    expect(trimmed.verdict).toBe('ok');
    await settles(() => cost.innerText(), money(trimmed.cost), 30_000);
    await settles(() => panel.innerText(), new RegExp(`Recipients\\s+${trim.maxRecipients}\\n`));

    // At most 5 recipients: the forecast changes without saving.
    await max.fill('5');
    const five = await apiForecast({ costCap: '1', maxRecipients: 5 });
    expect(five.cost.amount).not.toBe(whole.cost.amount);
    await settles(() => cost.innerText(), money(five.cost), 30_000);
    await settles(() => panel.innerText(), /Recipients\s+5\n/);
    const saved = await t.http().get(`/api/v1/campaigns?lineAccountId=${accountId}`).set(bearer(tokens.marketer));
    expect(saved.body.items).toEqual([]);
    await expectAccessible(page, 'composer, live forecast');
    await shoot(page, 'en-composer-live-forecast');

    // Recurring: the next five sends, as the API reads the cron, in Asia/Taipei with the offset.
    await page.getByRole('radio', { name: 'Recurring (cron)' }).check();
    await page.getByLabel(/^Cron \(minute hour day month weekday\)/).fill('30 9 * * 1,4');
    const preview = await t
      .http()
      .post('/api/v1/schedules/preview')
      .set(bearer(tokens.marketer))
      .send({ cron: '30 9 * * 1,4', timezone: 'Asia/Taipei' })
      .expect(200);
    const occurrences = page.getByTestId('cron-occurrences').locator('li');
    const expected = (preview.body.occurrences as { local: string; weekday: string }[]).map(
      (o) => `${o.weekday} ${o.local}`,
    );
    expect(expected).toHaveLength(5);
    await settles(async () => (await occurrences.allInnerTexts()).join('|'), expected.join('|'), 30_000);
    for (const text of expected) expect(text).toMatch(/ 09:30 \+08:00$/);
    // A bad expression: the API's words for it, where the list was.
    await page.getByLabel(/^Cron \(minute hour day month weekday\)/).fill('30 25 * * 1');
    await settles(() => page.getByTestId('cron-problem').innerText(), /^hour: "25" is not valid/, 30_000);
    await page.getByLabel(/^Cron \(minute hour day month weekday\)/).fill('30 9 * * 1,4');
    await settles(async () => (await occurrences.allInnerTexts()).join('|'), expected.join('|'), 30_000);
    // The API needs the schedule's end: its problem is on that field, and the forecast follows once given.
    const until = page.getByLabel(/^Last send no later than/);
    const untilItem = page.locator('.ant-form-item', { has: until });
    await settles(() => untilItem.locator('.ant-form-item-explain-error').innerText(), /required/, 30_000);
    expect(await page.getByTestId('forecast-problems').innerText()).toContain('schedule.until');
    await until.fill('2027-03-31T23:59');
    await page.getByTestId('forecast-problems').waitFor({ state: 'detached', timeout: 30_000 });
    const recurring = await apiForecast({
      costCap: '1',
      maxRecipients: 5,
      schedule: { cron: '30 9 * * 1,4', timezone: 'Asia/Taipei', until: '2027-03-31T23:59:00+08:00' },
    });
    await settles(() => cost.innerText(), money(recurring.cost), 30_000);
    // The forecast is of the first of those sends, as the API says.
    expect(recurring.sendAt).toBe(preview.body.occurrences[0].at);
    const local = preview.body.occurrences[0].local as string; // "2026-12-03 09:30 +08:00"
    expect(await page.getByTestId('forecast-send-at').innerText()).toBe(`${local.slice(0, 16)} GMT${local.slice(17)}`);
    await expectAccessible(page, 'composer, cron');
    await shoot(page, 'en-composer-cron');
    await context.close();
  }, 240_000);

  it('"Send now" asks first, with the recipients, paid messages and cost the API forecasts, in English and Chinese', async () => {
    const campaign = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(tokens.marketer))
      .send({
        lineAccountId: accountId,
        audienceId,
        name: 'Tea tasting',
        messages: [{ type: 'text', text: 'Tea tasting on Saturday' }],
      })
      .expect(201);
    const id = campaign.body.id as string;
    await t.http().post(`/api/v1/campaigns/${id}/submit`).set(bearer(tokens.marketer)).send({}).expect(200);
    await t.http().post(`/api/v1/campaigns/${id}/approve`).set(bearer(tokens.approver)).send({}).expect(200);
    const forecast = (await t.http().get(`/api/v1/campaigns/${id}/forecast`).set(bearer(tokens.approver)).expect(200))
      .body;

    // Chinese first, closed without sending: nothing goes.
    const zh = await signIn('zh-TW', 'approver');
    await zh.page.goto(`${baseUrl}/campaigns/${id}`);
    await zh.page.getByRole('button', { name: '立即發送' }).click();
    const zhDialog = zh.page.getByRole('dialog', { name: '立即發送此活動？' });
    await settles(() => zhDialog.getByTestId('send-now-cost').innerText(), money(forecast.cost), 30_000);
    expect(await zhDialog.getByTestId('send-now-recipients').innerText()).toBe(String(forecast.recipients));
    expect(await zhDialog.getByTestId('send-now-paid').innerText()).toBe(String(forecast.paidMessages));
    expect(await zhDialog.innerText()).toContain('付費訊息');
    await expectAccessible(zh.page, 'send-now confirmation (zh-TW)');
    await shoot(zh.page, 'zh-TW-send-now-confirm');
    await zhDialog.getByRole('button', { name: '先不發送' }).click();
    await zhDialog.waitFor({ state: 'hidden' });
    const none = await t.http().get(`/api/v1/campaigns/${id}/runs`).set(bearer(tokens.approver)).expect(200);
    expect(none.body.items).toEqual([]);
    await zh.context.close();

    // English, confirmed: the run goes.
    const { context, page } = await signIn('en-US', 'approver');
    await page.goto(`${baseUrl}/campaigns/${id}`);
    await page.getByRole('button', { name: 'Send now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this campaign now?' });
    await settles(() => dialog.getByTestId('send-now-cost').innerText(), money(forecast.cost), 30_000);
    expect(await dialog.getByTestId('send-now-recipients').innerText()).toBe(String(forecast.recipients));
    expect(await dialog.getByTestId('send-now-paid').innerText()).toBe(String(forecast.paidMessages));
    await expectAccessible(page, 'send-now confirmation');
    await shoot(page, 'en-send-now-confirm');
    await dialog.getByRole('button', { name: 'Send now' }).click();
    await settles(() => page.getByTestId('run-status').first().innerText(), /^(sending|completed)$/, 60_000);
    const runs = await t.http().get(`/api/v1/campaigns/${id}/runs`).set(bearer(tokens.approver)).expect(200);
    expect(runs.body.items).toHaveLength(1);
    await context.close();
  }, 240_000);
  it('a marketer composes an A/B test: two variants, the settings, the forecast with its small-group note, and the draft the API keeps', async () => {
    const { context, page } = await signIn('en-US', 'marketer');
    await page.goto(`${baseUrl}/campaigns/new`);
    await page.getByLabel('Campaign name').fill('Tea A/B');
    await page.getByRole('combobox', { name: 'Audience' }).click();
    await page.locator('.ant-select-item-option', { hasText: 'All followers' }).first().click();
    await page.getByLabel('Message text').fill('Spring tea: 10% off');
    await page.getByRole('radio', { name: 'A/B test (2 to 4 variants)' }).check();
    const variantA = page.getByRole('region', { name: 'Variant A' });
    const variantB = page.getByRole('region', { name: 'Variant B' });
    // Variant A keeps the message written before; B starts empty.
    expect(await variantA.getByLabel('Message text').inputValue()).toBe('Spring tea: 10% off');
    await variantA.getByLabel('Name of variant A').fill('Discount');
    await variantB.getByLabel('Name of variant B').fill('Free sample');
    await variantB.getByLabel('Message text').fill('Spring tea: a free sample with any order');
    await page.getByLabel('Test share (%)').fill('50');
    await page.getByLabel('Wait before deciding (minutes)').fill('90');
    await page.getByRole('combobox', { name: 'When no winner can be told' }).click();
    await page.locator('.ant-select-item-option', { hasText: 'send variant A' }).first().click();

    // 50% of the 40 followers over 2 variants: 10 each, under LINE's 20, so the API notes it can't be decided.
    const abTest = { testShare: 50, metric: 'unique_click_rate', waitMinutes: 90, undecided: 'variant_a' };
    const variants = [
      { name: 'Discount', messages: [{ type: 'text', text: 'Spring tea: 10% off' }] },
      { name: 'Free sample', messages: [{ type: 'text', text: 'Spring tea: a free sample with any order' }] },
    ];
    const expected = await apiForecast({ messages: undefined, variants, abTest });
    const note = (expected.reasonDetails as { code: string; text: string }[]).find((d) =>
      d.code.startsWith('ab_test.groups_too_small.'),
    );
    expect(note?.code).toBe('ab_test.groups_too_small.variant_a');
    // The API's own words (its English for this code), by the settings.
    await settles(
      async () => String((await page.getByTestId('ab-small-groups').innerText()).includes(note!.text)),
      'true',
      30_000,
    );
    await settles(() => page.getByTestId('forecast-cost').innerText(), money(expected.cost), 30_000);
    expect(await page.getByTestId('ab-groups').innerText()).toBe(
      '20 of 40 recipients tested, at least 10 per variant; the other 20 get the winner.',
    );
    // The phone shows variant B when asked.
    // (antd's button-style radio: its input is hidden, the label takes the click)
    await page.locator('label', { has: page.getByRole('radio', { name: 'Variant B' }) }).click();
    await settles(
      () => page.getByRole('figure', { name: 'Preview on a phone' }).innerText(),
      /a free sample with any order/,
    );
    await expectAccessible(page, 'composer, A/B test');
    await shoot(page, 'en-composer-ab-test');

    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const id = page.url().split('/').at(-1)!;
    const saved = await t.http().get(`/api/v1/campaigns/${id}`).set(bearer(tokens.marketer)).expect(200);
    expect(saved.body).toMatchObject({ name: 'Tea A/B', status: 'draft', messages: [], variants, abTest });
    // Reloaded from the API, the editor shows what was kept.
    await page.reload();
    await settles(
      () => page.getByRole('region', { name: 'Variant B' }).getByLabel('Name of variant B').inputValue(),
      'Free sample',
      30_000,
    );
    expect(await page.getByLabel('Test share (%)').inputValue()).toBe('50');

    // Chinese: the same editor, named in zh-TW and as accessible.
    const zh = await signIn('zh-TW', 'marketer');
    await zh.page.goto(`${baseUrl}/campaigns/${id}`);
    await settles(() => zh.page.getByLabel('B 版本名稱').inputValue(), 'Free sample', 30_000);
    await settles(() => zh.page.getByTestId('ab-small-groups').innerText(), /測試組別太小/, 30_000);
    await expectAccessible(zh.page, 'composer, A/B test (zh-TW)');
    await shoot(zh.page, 'zh-TW-composer-ab-test');
    await zh.context.close();
    await context.close();
  }, 240_000);
});
