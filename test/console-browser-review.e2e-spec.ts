// The approvals and contacts screens in a real browser (Debian's Chromium through playwright-core)
// against the service and the LINE simulator: a re-submitted campaign shows its messages, audience
// and what changed since the last approval (from GET /campaigns/:id/changes); an approver who last
// edited a campaign is told why they can't approve it; contacts filter by a typed attribute
// condition on the server. axe-core on each screen; screenshots go to test-output/screenshots/.
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
const FOLLOWERS = 12;

if (!haveBrowser)
  console.warn(`review e2e SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
const describeInBrowser = haveBrowser ? describe : describe.skip;

describeInBrowser('approvals and contacts in a browser', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let browser: Browser;
  let baseUrl: string;
  let accountId: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const emails = { marketer: 'tsai@example.com', approver: 'huang@example.com', editor: 'kao@example.com' };

  beforeAll(async () => {
    const consoleDir = builtConsole('review');
    sim = await startLineSimulator({ port: 0, seed: 'review-e2e' });
    t = await createTestApp({ CONSOLE_DIR: consoleDir });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    for (const [who, email] of Object.entries(emails)) {
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(bearer(t.adminToken))
        .send({ email, name: who, role: who === 'approver' ? 'approver' : 'marketer', password: PASSWORD })
        .expect(201);
      tokens[who] = created.body.token as string;
      ids[who] = created.body.user.id as string;
    }
    accountId = await simulatorAccount(t, sim, {
      name: 'Tea House Tainan',
      channelId: '1900000201',
      accessToken: 'review-token',
      plan: 'high',
      monthlyBudget: '500',
      quota: { type: 'none' },
      followers: FOLLOWERS,
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
  });

  const signIn = (locale: 'en-US' | 'zh-TW', who: keyof typeof emails) =>
    signInAs(browser, baseUrl, { locale, email: emails[who], password: PASSWORD, accountId: accountId });

  const api = (token: string) => ({
    post: (path: string, body: object = {}) => t.http().post(`/api/v1${path}`).set(bearer(token)).send(body),
    patch: (path: string, body: object) => t.http().patch(`/api/v1${path}`).set(bearer(token)).send(body),
  });

  it('an approver sees a re-submitted campaign with its messages, audience and every change since its last approval, in English and Traditional Chinese', async () => {
    const marketer = api(tokens.marketer);
    const approver = api(tokens.approver);
    const audience = (
      await marketer
        .post('/audiences', { lineAccountId: accountId, name: 'All followers', definition: { all: [] } })
        .expect(201)
    ).body;
    const campaign = (
      await marketer
        .post('/campaigns', {
          lineAccountId: accountId,
          audienceId: audience.id,
          name: 'Mooncake preorder',
          messages: [{ type: 'text', text: 'Preorder mooncakes now.' }],
          costCap: '100',
        })
        .expect(201)
    ).body;
    let version = (await marketer.post(`/campaigns/${campaign.id}/submit`).expect(200)).body.version;
    version = (await approver.post(`/campaigns/${campaign.id}/approve`, { version }).expect(200)).body.version;
    version = (await marketer.post(`/campaigns/${campaign.id}/withdraw`, { version }).expect(200)).body.version;
    version = (
      await marketer
        .patch(`/campaigns/${campaign.id}`, {
          version,
          messages: [{ type: 'text', text: 'Preorder mooncakes now: 15% off until Friday.' }],
          costCap: null,
        })
        .expect(200)
    ).body.version;
    await marketer.patch(`/audiences/${audience.id}`, {
      version: audience.version,
      definition: { all: [{ not: { tag: 'staff' } }] },
    });
    await marketer.post(`/campaigns/${campaign.id}/submit`, { version }).expect(200);
    const changes = (
      await t.http().get(`/api/v1/campaigns/${campaign.id}/changes`).set(bearer(tokens.approver)).expect(200)
    ).body;
    expect(changes.changes.map((c: { field: string }) => c.field)).toEqual(['messages', 'audience', 'costCap']);

    for (const locale of ['en-US', 'zh-TW'] as const) {
      const zh = locale === 'zh-TW';
      const { context, page } = await signIn(locale, 'approver');
      await page
        .getByRole('navigation')
        .getByRole('link', { name: zh ? '核准' : 'Approvals', exact: true })
        .click();
      const card = page.getByTestId('approval-card').filter({ hasText: 'Mooncake preorder' });
      await card.waitFor();
      // Its messages on a phone and its audience, inline.
      expect(await card.getByRole('figure').innerText()).toContain('15% off until Friday');
      await settles(
        () => card.getByTestId('approval-audience').innerText(),
        zh ? /All followers[\s\S]*非 標籤 staff[\s\S]*12/ : /All followers[\s\S]*not tag staff[\s\S]*12/,
      );
      // What changed since the last approval: one row per field the API listed, then and now.
      const rows = card.getByTestId('changes').locator('tbody tr');
      await settles(async () => String(await rows.count()), '3');
      const cells = async (i: number) => (await rows.nth(i).locator('td').allInnerTexts()).map((s) => s.trim());
      expect(await cells(0)).toEqual(
        zh
          ? ['訊息', '1. 文字: Preorder mooncakes now.', '1. 文字: Preorder mooncakes now: 15% off until Friday.']
          : ['Messages', '1. Text: Preorder mooncakes now.', '1. Text: Preorder mooncakes now: 15% off until Friday.'],
      );
      expect(await cells(1)).toEqual(
        zh
          ? ['受眾', 'All followers (所有人)', 'All followers (非 標籤 staff)']
          : ['Audience', 'All followers (everyone)', 'All followers (not tag staff)'],
      );
      expect(await cells(2)).toEqual(zh ? ['費用上限', 'NT$100.00', '無上限'] : ['Cost cap', 'NT$100.00', 'no cap']);
      // The forecast now and at submission, side by side.
      await card.getByTestId('forecast-panel').getByTestId('verdict').waitFor();
      await expectAccessible(page, `approvals with changes (${locale})`);
      await shoot(page, zh ? 'zh-TW-approvals-changes' : 'en-approvals-changes');
      await context.close();
    }
  }, 240_000);

  it('an approver who last edited a campaign is told why they cannot approve it', async () => {
    // Kao writes and submits as a marketer, then becomes an approver: the campaign is still theirs.
    const editor = api(tokens.editor);
    const audience = (
      await editor
        .post('/audiences', { lineAccountId: accountId, name: 'Everyone', definition: { all: [] } })
        .expect(201)
    ).body;
    const campaign = (
      await editor
        .post('/campaigns', {
          lineAccountId: accountId,
          audienceId: audience.id,
          name: 'Own campaign',
          messages: [{ type: 'text', text: 'Mine' }],
        })
        .expect(201)
    ).body;
    await editor.post(`/campaigns/${campaign.id}/submit`).expect(200);
    const user = await t.db.pool.query('SELECT version FROM users WHERE id = $1', [ids.editor]);
    await t
      .http()
      .patch(`/api/v1/users/${ids.editor}`)
      .set(bearer(t.adminToken))
      .send({ version: user.rows[0].version, role: 'approver' })
      .expect(200);

    const { context, page } = await signIn('en-US', 'editor');
    await page.getByRole('navigation').getByRole('link', { name: 'Approvals', exact: true }).click();
    const card = page.getByTestId('approval-card').filter({ hasText: 'Own campaign' });
    await card.waitFor();
    expect(await card.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    await card.getByText('You wrote this campaign: another approver signs it off.').waitFor();
    // Someone else's campaign may be approved.
    const other = page.getByTestId('approval-card').filter({ hasText: 'Mooncake preorder' });
    expect(await other.getByRole('button', { name: 'Approve' }).isEnabled()).toBe(true);
    await context.close();
  }, 180_000);

  it('contacts filter by a typed attribute condition on the server, with tag and status', async () => {
    const uid = (n: number) => `U${n.toString(16).padStart(32, 'c')}`;
    const cities = ['Taipei', 'Tainan', 'Kaohsiung'];
    await t
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(tokens.marketer))
      .send({
        contacts: Array.from({ length: 9 }, (_, i) => ({
          lineUserId: uid(i),
          displayName: `Guest ${i}`,
          tags: i % 2 ? ['vip'] : [],
          attributes: { city: cities[i % 3], visits: i * 3 },
        })),
      })
      .expect(200);
    const requested: string[] = [];
    const { context, page } = await signIn('en-US', 'marketer');
    page.on('request', (r) => {
      if (r.url().includes('/contacts?')) requested.push(new URL(r.url()).search);
    });
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
    const names = async () =>
      (await page.locator('.ant-table-tbody tr.ant-table-row').allInnerTexts())
        .map((row) => /Guest \d/.exec(row)?.[0])
        .filter(Boolean)
        .join(',');
    await page.getByLabel('Attribute', { exact: true }).fill('city');
    await page.getByLabel('Value', { exact: true }).fill('Tainan');
    await page.getByRole('button', { name: 'Filter' }).click();
    await settles(names, 'Guest 1,Guest 4,Guest 7');
    expect(requested.at(-1)).toMatch(/attribute=city&op=eq&valueType=text&value=Tainan|attribute=city.*value=Tainan/);

    // A number compared as a number, with the tag filter beside it.
    await page.getByRole('combobox', { name: 'Attribute type' }).click();
    await page.locator('.ant-select-item-option', { hasText: 'number' }).first().click();
    await page.getByRole('combobox', { name: 'Operator' }).click();
    await page.locator('.ant-select-item-option', { hasText: '≥' }).first().click();
    await page.getByLabel('Attribute', { exact: true }).fill('visits');
    await page.getByLabel('Value', { exact: true }).fill('12');
    await page.getByRole('button', { name: 'Filter' }).click();
    await settles(names, 'Guest 4,Guest 5,Guest 6,Guest 7,Guest 8');
    await page.getByLabel('Tag', { exact: true }).fill('vip');
    await page.getByLabel('Tag', { exact: true }).press('Enter');
    await settles(names, 'Guest 5,Guest 7');
    await expectAccessible(page, 'contacts filtered by an attribute');
    await shoot(page, 'en-contacts-filtered');

    // The API's refusal, on screen: a number that is not one.
    await page.getByLabel('Value', { exact: true }).fill('many');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('alert').filter({ hasText: 'is not a number' }).waitFor();
    await context.close();
  }, 180_000);
});
