// The console in a real browser (Debian's Chromium through playwright-core) against the real
// service on a test database, sending to the LINE simulator: a marketer builds an audience and a
// campaign and submits it, an approver approves and sends it, the month changes, a send over the
// cap is refused with its reasons, in English and in Traditional Chinese; axe-core checks every
// screen. Screenshots go to test-output/screenshots/.
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
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
import { simulatorAccount as simulatorChannelAccount } from './support/dispatch-fixture';

const PASSWORD = 'correct horse battery staple';
const FOLLOWERS = 40;

if (!haveBrowser)
  console.warn(`console e2e SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
const describeInBrowser = haveBrowser ? describe : describe.skip;

describeInBrowser('console in a browser', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let browser: Browser;
  let baseUrl: string;
  let accountId: string;
  let paidAccountId: string;
  const emails = { marketer: 'mei@example.com', approver: 'wang@example.com', admin: 'lin@example.com' };

  async function simulatorAccount(
    name: string,
    channelId: string,
    consumption: number,
    monthlyBudget: string,
    quota: { type: 'none' } | { type: 'limited'; value: number } = { type: 'limited', value: 6000 },
  ) {
    return simulatorChannelAccount(t, sim, {
      name,
      channelId,
      accessToken: `console-e2e-${channelId}`,
      plan: 'high',
      monthlyBudget,
      quota,
      consumption,
      followers: FOLLOWERS,
    });
  }

  beforeAll(async () => {
    const consoleDir = builtConsole('console');
    sim = await startLineSimulator({ port: 0, seed: 'console-e2e' });
    t = await createTestApp({
      CONSOLE_DIR: consoleDir,
      DISPATCH_ENABLED: 'true',
      DISPATCH_POLL_MS: '100',
      LINE_TIMEOUT_MS: '3000',
    });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    for (const [role, email] of Object.entries(emails))
      await t
        .http()
        .post('/api/v1/users')
        .set(bearer(t.adminToken))
        .send({ email, name: { marketer: 'Mei', approver: 'Wang', admin: 'Lin' }[role], role, password: PASSWORD })
        .expect(201);
    accountId = await simulatorAccount('Tea House', '1900000001', 0, '500');
    // Every free message of the month already used at LINE (no LINE cap), and a budget of NT$1: any send costs more.
    paidAccountId = await simulatorAccount('Tea House Paid', '1900000002', 6000, '1', { type: 'none' });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
  });

  /** A browser of that language, signed in through the form, looking at the given LINE account. */
  const signIn = (locale: 'en-US' | 'zh-TW', who: keyof typeof emails, account = accountId) =>
    signInAs(browser, baseUrl, { locale, email: emails[who], password: PASSWORD, accountId: account });

  const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name }).waitFor();
  const pick = async (page: Page, label: string, option: string) => {
    await page.getByRole('combobox', { name: label }).click();
    await page.locator('.ant-select-item-option', { hasText: option }).first().click();
  };
  const usedOfFree = async (page: Page) => {
    await page.goto(`${baseUrl}/`);
    const card = page.locator('.ant-card', { hasText: 'Used of the free quota' }).first();
    return (await card.locator('.ant-statistic-content').innerText()).trim();
  };

  it('the sign-in page is accessible, and a wrong password is refused on screen', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/campaigns`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'sign-in');
    await shoot(page, 'en-sign-in');
    // The tab's icon is an icon, also where browsers look without being told (not the API's JSON 404).
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.ico');
    const icon = await request(baseUrl).get('/favicon.ico').responseType('blob').expect(200);
    expect(icon.headers['content-type']).toMatch(/^image\//);
    expect((icon.body as Buffer).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0])); // an ICO file's header
    await page.getByLabel('Email').fill(emails.marketer);
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(page.url()).toContain('/login');
    await context.close();
  });

  it('a marketer builds an audience, writes a campaign, sees its forecast and submits it; an approver approves and sends it; the month changes', async () => {
    const { context, page } = await signIn('en-US', 'marketer');
    expect(await usedOfFree(page)).toBe(`0 / 6,000`);
    await shoot(page, 'en-month-before');

    // Audience: a tag left empty is refused by the API, on its node; then a "not" of a tag.
    await page.getByRole('link', { name: 'Audiences' }).click();
    await heading(page, 'Audiences');
    await page.getByRole('button', { name: 'New audience' }).click();
    await heading(page, 'New audience');
    await page.locator('[data-path="definition.all[0]"] [role="alert"]').waitFor();
    await page.getByRole('button', { name: 'Remove condition' }).click();
    await page.getByRole('button', { name: '+ Add condition' }).click();
    await page.getByRole('menuitem', { name: 'Not', exact: true }).click();
    await page.getByRole('textbox', { name: 'Tag' }).fill('do-not-contact');
    await page.getByLabel('Audience name').fill('Everyone but do-not-contact');
    const recipients = page.locator('.ant-card', { hasText: 'Live size' }).locator('.ant-statistic-content');
    await settles(() => recipients.innerText(), String(FOLLOWERS));
    await expectAccessible(page, 'audience editor');
    await shoot(page, 'en-audience-editor');
    await page.getByRole('button', { name: 'Save audience' }).click();
    await page.waitForURL(/\/audiences\/[0-9a-f-]{36}$/);

    // Campaign: written, saved as a draft at its own URL, forecast shown as the API gave it.
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await heading(page, 'Campaigns');
    await page.getByRole('button', { name: 'New campaign' }).click();
    await page.getByLabel('Campaign name').fill('Winter tea');
    await pick(page, 'Audience', 'Everyone but do-not-contact');
    await page.getByLabel('Message text').fill('Winter blend is here: 10% off this week.');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const campaignUrl = page.url();
    const campaignId = campaignUrl.split('/').pop()!;
    const forecast = (await t.http().get(`/api/v1/campaigns/${campaignId}/forecast`).set(bearer(t.adminToken))).body;
    await settles(() => page.getByTestId('verdict').innerText(), 'OK to send');
    expect(await page.getByTestId('forecast-cost').innerText()).toBe('NT$0.00');
    const reasons = await page.getByTestId('forecast-reasons').locator('li').allInnerTexts();
    expect(reasons).toEqual(forecast.reasons);
    expect(await page.getByRole('figure', { name: 'Preview on a phone' }).innerText()).toContain('Winter blend');
    await expectAccessible(page, 'campaign composer');
    await shoot(page, 'en-campaign-composer');
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await settles(() => page.getByTestId('campaign-status').innerText(), 'pending approval');

    // The marketer is not offered "Approve", on the approvals screen or on the campaign.
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByTestId('approval-card').waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.getByText('Only approvers approve or reject.').waitFor();
    await context.close();

    // The approver approves and sends it now; the run completes with its progress shown.
    const approver = await signIn('en-US', 'approver');
    await approver.page.getByRole('link', { name: 'Approvals' }).click();
    await approver.page.getByTestId('approval-card').waitFor();
    await expectAccessible(approver.page, 'approvals');
    await shoot(approver.page, 'en-approvals');
    await approver.page.getByRole('button', { name: 'Approve' }).click();
    await approver.page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await approver.page.getByText('Nothing waits for approval').waitFor();
    await approver.page.goto(campaignUrl);
    await approver.page.getByRole('button', { name: 'Send now' }).click();
    // It asks first, with the forecast's cost; confirmed in the dialog.
    const confirm = approver.page.getByRole('dialog', { name: 'Send this campaign now?' });
    await settles(() => confirm.getByTestId('send-now-cost').innerText(), 'NT$0.00');
    await confirm.getByRole('button', { name: 'Send now' }).click();
    const status = approver.page.getByTestId('run-status');
    await settles(() => status.innerText(), 'completed', 60_000, approver.page);
    await settles(
      () => approver.page.getByTestId('run-progress').innerText(),
      new RegExp(`^${FOLLOWERS} delivered, 0 failed`),
    );
    // The Runs screen asks for every campaign's runs at once, and shows the API's rate and what remains.
    const runRequests: string[] = [];
    approver.page.on('request', (r) => {
      if (/\/api\/v1\/(campaigns\/[^/]+\/)?runs\b/.test(r.url())) runRequests.push(new URL(r.url()).pathname);
    });
    await approver.page.getByRole('link', { name: 'Runs' }).click();
    await heading(approver.page, 'Runs');
    await approver.page.getByTestId('run-rate').first().waitFor();
    const [sent] = (
      await t.http().get(`/api/v1/runs?lineAccountId=${accountId}&campaignId=${campaignId}`).set(bearer(t.adminToken))
    ).body.items;
    expect(await approver.page.getByTestId('run-rate').first().innerText()).toBe(
      `${sent.progress.recipientsPerSecond.toLocaleString('en-US', { maximumFractionDigits: 1 })} recipients/s`,
    );
    expect(await approver.page.getByTestId('run-progress').first().innerText()).toMatch(
      new RegExp(`^${FOLLOWERS} delivered, 0 failed, 0 remaining`),
    );
    expect(runRequests.length).toBeGreaterThan(0);
    expect(runRequests.every((p) => p === '/api/v1/runs')).toBe(true);
    await expectAccessible(approver.page, 'runs');
    await shoot(approver.page, 'en-runs');
    expect(await usedOfFree(approver.page)).toBe(`${FOLLOWERS} / 6,000`);
    await expectAccessible(approver.page, 'month');
    await shoot(approver.page, 'en-month-after');
    await approver.context.close();
  }, 180_000); // two sign-ins and a send, on a machine other jobs share

  it('a send over the cap is refused with its reasons on screen, in Traditional Chinese', async () => {
    // Written and approved through the API; the refusal is what the browser must show.
    const tokenOf = async (email: string) => {
      const users = await t.http().get('/api/v1/users?limit=100').set(bearer(t.adminToken)).expect(200);
      const user = users.body.items.find((u: { email: string }) => u.email === email);
      return (await t.http().post(`/api/v1/users/${user.id}/tokens`).set(bearer(t.adminToken)).expect(201)).body
        .token as string;
    };
    const [marketerToken, approverToken] = [await tokenOf(emails.marketer), await tokenOf(emails.approver)];
    const audience = await t
      .http()
      .post('/api/v1/audiences')
      .set(bearer(marketerToken))
      .send({ lineAccountId: paidAccountId, name: '全部好友', definition: { not: { tag: 'do-not-contact' } } })
      .expect(201);
    const campaign = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(marketerToken))
      .send({
        lineAccountId: paidAccountId,
        audienceId: audience.body.id,
        name: '冬季新品',
        messages: [{ type: 'text', text: '冬季新品上市' }],
      })
      .expect(201);
    await t.http().post(`/api/v1/campaigns/${campaign.body.id}/submit`).set(bearer(marketerToken)).send({}).expect(200);
    await t
      .http()
      .post(`/api/v1/campaigns/${campaign.body.id}/approve`)
      .set(bearer(approverToken))
      .send({})
      .expect(200);

    const { context, page } = await signIn('zh-TW', 'approver', paidAccountId);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-TW');
    await page.goto(`${baseUrl}/campaigns/${campaign.body.id}`);
    await settles(() => page.getByTestId('verdict').innerText(), '超出預算');
    await page.getByRole('button', { name: '立即發送' }).click();
    await page.getByRole('dialog', { name: '立即發送此活動？' }).getByRole('button', { name: '立即發送' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: '預算關卡拒絕了此次發送' });
    await refusal.waitFor();
    // Every reason the gate gave the run, as the API words it, is on screen.
    const runs = await t.http().get(`/api/v1/campaigns/${campaign.body.id}/runs`).set(bearer(t.adminToken)).expect(200);
    const blocked = runs.body.items.find((run: { status: string }) => run.status === 'blocked');
    expect(blocked.blockReasons.map((r: { code: string }) => r.code)).toContain('over_budget');
    // Worded in Traditional Chinese from each reason's code and figures (the budget of NT$1.00).
    const shown = await page.getByTestId('refusal-reasons').innerText();
    const codes = (blocked.blockReasons as { details?: { code: string }[] }[]).flatMap((r) => r.details ?? []);
    expect(codes.map((d) => d.code)).toContain('over_budget.monthly');
    expect(shown).toContain('超出每月預算 NT$1.00');
    for (const reason of blocked.blockReasons as { message: string }[]) expect(shown).not.toContain(reason.message);
    await expectAccessible(page, 'refused send (zh-TW)');
    await shoot(page, 'zh-TW-send-refused');
    // The run is on record as blocked, with the reason and what clears it.
    await page.getByRole('navigation').getByRole('link', { name: '發送' }).click();
    await page.getByTestId('block-reasons').first().waitFor();
    expect(await page.getByTestId('run-progress').first().innerText()).toMatch(/^已送達 0，失敗 0，剩餘 0/);
    await shoot(page, 'zh-TW-runs-blocked');
    await context.close();
  });

  it('an admin adds a LINE account through the form (problems on their field), tests its connection, copies its webhook URL and edits it', async () => {
    const channelId = '1900000003';
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({
        accessToken: 'form-token',
        channelSecret: 'form-secret',
        quota: { type: 'limited', value: 6000 },
        consumption: 1234,
        followerCount: 0,
      })
      .expect(201);
    const { context, page } = await signIn('en-US', 'admin');
    await page.getByRole('navigation').getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByRole('button', { name: 'New LINE account' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Account name').fill('Tea House Kaohsiung');
    await dialog.getByLabel('Channel id').fill('not-a-number');
    await dialog.getByLabel('Channel access token').fill('form-token');
    await dialog.getByLabel('Channel secret').fill('form-secret');
    await dialog.getByLabel('LINE API base URL').fill(sim.url);
    await pick(page, 'Plan', 'medium');
    await dialog.getByLabel('Monthly cap (TWD)').fill('300');
    await dialog.getByLabel('Additional-message cap (messages; empty: none)').fill('5000');
    await dialog.getByRole('button', { name: 'Create account' }).click();
    // The API's problem, on the field it names.
    const channelItem = dialog.locator('.ant-form-item', { has: page.getByLabel('Channel id') });
    await channelItem.getByText('must be the numeric channel id').waitFor();
    await expectAccessible(page, 'LINE account form');
    await dialog.getByLabel('Channel id').fill(channelId);
    await dialog.getByRole('button', { name: 'Create account' }).click();

    // Saved: the form stays open on the new account, with its webhook URL and the connection test.
    await dialog.getByRole('button', { name: 'Test the connection' }).waitFor();
    const list = await t.http().get('/api/v1/line-accounts?limit=100').set(bearer(t.adminToken)).expect(200);
    const created = list.body.items.find((a: { channelId: string }) => a.channelId === channelId);
    expect(created).toMatchObject({
      name: 'Tea House Kaohsiung',
      plan: 'medium',
      timezone: 'Asia/Taipei',
      monthlyBudget: { amount: '300.0000', currency: 'TWD' },
      additionalMessageCap: 5000,
      apiBaseUrl: sim.url,
    });
    expect(await dialog.getByTestId('webhook-url').innerText()).toBe(`${baseUrl}/api/v1/webhooks/line/${created.id}`);
    await dialog.getByRole('button', { name: 'Test the connection' }).click();
    const answer = dialog.getByTestId('connection-result');
    await answer.waitFor();
    expect(await answer.innerText()).toContain('Quota: 6000; used this month: 1234');
    await expectAccessible(page, 'LINE account, saved');
    await shoot(page, 'en-admin-line-account');

    // Edited: the secrets left empty stay as they were (the connection test still passes).
    await dialog.getByLabel('Monthly cap (TWD)').fill('800');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('row', { name: /Tea House Kaohsiung/ })
      .getByText('NT$800.00')
      .waitFor();
    const after = await t.http().get(`/api/v1/line-accounts/${created.id}`).set(bearer(t.adminToken)).expect(200);
    expect(after.body).toMatchObject({ monthlyBudget: { amount: '800.0000' }, version: created.version + 1 });
    await t.http().post(`/api/v1/line-accounts/${created.id}/quota-sync`).set(bearer(t.adminToken)).expect(200);
    await context.close();
  }, 180_000); // a sign-in and four saves, on a machine other jobs share

  it('every screen passes axe-core in both languages, and an admin has the Admin screen', async () => {
    const screens: [string, string][] = [
      ['Month', '本月'],
      ['Contacts', '聯絡人'],
      ['Audiences', '受眾'],
      ['Campaigns', '活動'],
      ['Approvals', '核准'],
      ['Runs', '發送'],
      ['Audit log', '稽核紀錄'],
      ['Admin', '管理'],
    ];
    // Both languages at once, each in its own browser context.
    await Promise.all(
      (['en-US', 'zh-TW'] as const).map(async (locale) => {
        const { context, page } = await signIn(locale, 'admin');
        const lang = locale === 'zh-TW' ? 'zh-TW' : 'en';
        for (const [en, zh] of screens) {
          const name = locale === 'zh-TW' ? zh : en;
          await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
          await page.getByRole('heading', { level: 1, name: new RegExp(`^${name}`) }).waitFor();
          await page.locator('.ant-spin-spinning, .ant-skeleton').first().waitFor({ state: 'detached' });
          await expectAccessible(page, `${en} (${lang})`);
          await shoot(page, `${lang}-${en.toLowerCase().replace(' ', '-')}`);
        }
        await context.close();
      }),
    );
  }, 240_000);
});
