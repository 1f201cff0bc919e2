import { describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { MemoryRouter, Route, Routes } from 'react-router';
import i18next from 'i18next';

// The client keeps the fetch it was created with: one that asks the test's current handler, and
// records every call (the composer's bodies are what this test checks).
const api = vi.hoisted(() => {
  const state = {
    calls: [] as { method: string; url: string; body: unknown }[],
    answer: (_method: string, _url: string, _body: unknown): Response | null => null,
  };
  // openapi-fetch passes a Request; the session's own request() passes a path and its options.
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = request.method === 'GET' ? '' : await request.text();
    const body: unknown = text ? JSON.parse(text) : null;
    const url = new URL(request.url).pathname;
    state.calls.push({ method: request.method, url, body });
    return state.answer(request.method, url, body) ?? base(request.method, url);
  };
  return state;
});

import { AuthProvider } from '../auth';
import { AccountProvider } from '../account';
import CampaignEditPage from '../pages/CampaignEditPage';
import { savedCampaign } from '../test-fixtures';

// The whole composer in jsdom on a shared machine: an answer can take more than the default second.
configure({ asyncUtilTimeout: 5000 });

const ACCOUNT = {
  id: 'a1',
  name: 'Tea House',
  timezone: 'Asia/Taipei',
  version: 1,
  plan: 'high',
  monthlyBudget: { amount: '500.0000', currency: 'TWD' },
  frequencyCap: null,
};

function forecastOf(recipients: number, reasonDetails: unknown[] = []) {
  return {
    campaignId: null,
    lineAccountId: 'a1',
    month: '2026-12',
    computedAt: '2026-12-01T10:00:00.000Z',
    sendAt: null,
    recipients,
    requestsPerRecipient: 1,
    messages: recipients,
    quota: { free: 6000, used: 0, reserved: 0, headroom: 0, remainingFree: 6000, source: 'line', fresh: true },
    freeMessages: recipients,
    paidMessages: 0,
    cost: { amount: '0.0000', currency: 'TWD', bands: [] },
    budget: { monthlyCap: '500', spentThisMonth: '0', reservedThisMonth: '0', remainingAfter: '500.0000' },
    verdict: 'ok',
    verdicts: [],
    reasons: [],
    reasonDetails,
    suggestions: [],
    deferral: null,
    rateCard: { id: 'r1', region: 'TW', plan: 'high', verified: true, source: 'LINE' },
  };
}

/** A saved campaign as the API answers it, from a body the composer sent. */
const campaignOf = (body: Record<string, unknown>, version = 1) =>
  savedCampaign({ name: 'Winter sale test', ...body }, version);

const session = { role: 'marketer' };

/** What every screen needs: a marketer's session, one account, one audience, nothing else. */
function base(method: string, url: string): Response {
  if (url === '/api/v1/auth/session')
    return Response.json({
      user: { id: 'm1', email: 'hsu@example.com', name: 'Hsu', role: session.role },
      csrfToken: 'csrf',
    });
  if (url === '/api/v1/line-accounts') return Response.json({ items: [ACCOUNT], nextCursor: null });
  if (url === '/api/v1/audiences')
    return Response.json({ items: [{ id: 'u1', name: 'All followers', lineAccountId: 'a1' }], nextCursor: null });
  if (url === '/api/v1/campaigns/forecast-draft' && method === 'POST') return Response.json(forecastOf(1000));
  if (url.endsWith('/runs')) return Response.json({ items: [], nextCursor: null });
  return Response.json({ statusCode: 404, error: 'Not Found', message: 'not here', details: [] }, { status: 404 });
}

/** The page for a signed-in marketer, once it lets them write (the session has answered). */
async function renderPage(path: string, ready = 'Create draft') {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <AntApp>
        <AuthProvider>
          <AccountProvider>
            <MemoryRouter initialEntries={[path]}>
              <Routes>
                <Route path="/campaigns/new" element={<CampaignEditPage />} />
                <Route path="/campaigns/:id" element={<CampaignEditPage />} />
              </Routes>
            </MemoryRouter>
          </AccountProvider>
        </AuthProvider>
      </AntApp>
    </QueryClientProvider>,
  );
  await screen.findByRole('button', { name: ready }, { timeout: 5000 });
}

const variant = (letter: string) => screen.getByRole('region', { name: `Variant ${letter}` });
const lastBody = (method: string, url: string) =>
  api.calls.filter((c) => c.method === method && c.url === url).at(-1)?.body as Record<string, unknown> | undefined;

describe('the A/B test editor', () => {
  it('creates an A/B draft with two variants and its settings, forecast live, and shows the API problems on their variant field', async () => {
    api.calls = [];
    api.answer = (method, url, body) => {
      const b = body as { abTest?: { testShare: number; undecided: string } } | null;
      if (url === '/api/v1/campaigns/forecast-draft' && b?.abTest?.testShare === 2)
        return Response.json(
          forecastOf(1000, [
            {
              code: 'ab_test.groups_too_small.variant_a',
              params: { recipients: 1000, testShare: 2, tested: 20, variants: 2, smallest: 10, minimum: 20, rest: 980 },
              text: "The A/B test's groups are too small to be decided: 2% of 1,000 is 20 recipients for 2 variants",
            },
          ]),
        );
      if (url === '/api/v1/campaigns' && method === 'POST') {
        const variants = (body as { variants: { messages: { text?: string }[] }[] }).variants;
        if (variants[1].messages[0].text === 'Tap for your coupon!!')
          return Response.json(
            {
              statusCode: 400,
              error: 'Bad Request',
              message: 'variants[1].messages[0].text: too loud',
              details: [{ field: 'variants[1].messages[0].text', problem: 'too loud' }],
            },
            { status: 400 },
          );
        return Response.json(campaignOf(body as Record<string, unknown>), { status: 201 });
      }
      return null;
    };
    const user = userEvent.setup({ delay: null });
    await renderPage('/campaigns/new');
    fireEvent.change(await screen.findByLabelText('Campaign name'), { target: { value: 'Winter sale test' } });
    await user.click(screen.getByRole('combobox', { name: 'Audience' }));
    await user.click(await screen.findByTitle('All followers'));

    await user.click(screen.getByRole('radio', { name: 'A/B test (2 to 4 variants)' }));
    // Two variants to start with; variant A keeps what was typed as the plain messages.
    expect(screen.getAllByTestId('variant-editor')).toHaveLength(2);
    expect((screen.getByRole('button', { name: 'Remove variant A' }) as HTMLButtonElement).disabled).toBe(true);
    // An A/B test sends once and can't be deferred: those choices are off.
    expect((screen.getByRole('radio', { name: 'Recurring (cron)' }) as HTMLInputElement).disabled).toBe(true);
    expect(
      (
        screen.getByRole('radio', {
          name: 'Send the free part now, the rest at the monthly reset',
        }) as HTMLInputElement
      ).disabled,
    ).toBe(true);

    fireEvent.change(within(variant('A')).getByLabelText('Name of variant A'), { target: { value: 'Plain text' } });
    fireEvent.change(within(variant('A')).getByLabelText('Message text'), {
      target: { value: 'Winter sale: 20% off' },
    });
    fireEvent.change(within(variant('B')).getByLabelText('Name of variant B'), { target: { value: 'Coupon' } });
    fireEvent.change(within(variant('B')).getByLabelText('Message text'), {
      target: { value: 'Tap for your coupon!!' },
    });
    await user.clear(screen.getByLabelText('Test share (%)'));
    await user.type(screen.getByLabelText('Test share (%)'), '2');
    await user.clear(screen.getByLabelText('Wait before deciding (minutes)'));
    await user.type(screen.getByLabelText('Wait before deciding (minutes)'), '120');
    await user.click(screen.getByRole('combobox', { name: 'When no winner can be told' }));
    await user.click(await screen.findByTitle('send variant A'));
    fireEvent.blur(screen.getByLabelText('Test share (%)'));

    // The forecast of the A/B draft as it stands, and the API's small-group note by the settings.
    await waitFor(
      () =>
        expect(lastBody('POST', '/api/v1/campaigns/forecast-draft')).toMatchObject({
          lineAccountId: 'a1',
          audienceId: 'u1',
          variants: [{ name: 'Plain text' }, { name: 'Coupon' }],
          abTest: { testShare: 2, waitMinutes: 120, undecided: 'variant_a', metric: 'unique_click_rate' },
        }),
      { timeout: 3000 },
    );
    const warning = await screen.findByTestId('ab-small-groups', {}, { timeout: 3000 });
    expect(warning.textContent).toContain('The test groups are too small to decide');
    expect(warning.textContent).toContain('2% of 1,000');
    expect(screen.getByTestId('ab-groups').textContent).toBe(
      '20 of 1,000 recipients tested, at least 10 per variant; the other 980 get the winner.',
    );
    // The phone shows the variant chosen.
    // Button-style radios: the label takes the click.
    await user.click(screen.getByRole('radio', { name: 'Variant B' }).closest('label')!);
    expect(screen.getByRole('figure', { name: 'Preview on a phone' }).textContent).toContain('Tap for your coupon!!');

    await user.click(screen.getByRole('button', { name: 'Create draft' }));
    // The API's problem on variant B's first message, not on A's.
    const problem = await within(variant('B')).findByText('too loud', { exact: false });
    expect(problem.closest('[role="alert"]')?.textContent).toBe('variants[1].messages[0].text: too loud');
    expect(within(variant('B')).getByLabelText('Message text').getAttribute('aria-invalid')).toBe('true');
    expect(within(variant('A')).queryByText('too loud', { exact: false })).toBeNull();
    expect(within(variant('A')).getByLabelText('Message text').getAttribute('aria-invalid')).toBe('false');

    fireEvent.change(within(variant('B')).getByLabelText('Message text'), { target: { value: 'Tap for your coupon' } });
    await user.click(screen.getByRole('button', { name: 'Create draft' }));
    await waitFor(() =>
      expect(api.calls.filter((c) => c.method === 'POST' && c.url === '/api/v1/campaigns')).toHaveLength(2),
    );
    expect(lastBody('POST', '/api/v1/campaigns')).toEqual({
      lineAccountId: 'a1',
      audienceId: 'u1',
      name: 'Winter sale test',
      variants: [
        { name: 'Plain text', messages: [{ type: 'text', text: 'Winter sale: 20% off' }] },
        { name: 'Coupon', messages: [{ type: 'text', text: 'Tap for your coupon' }] },
      ],
      abTest: { testShare: 2, metric: 'unique_click_rate', waitMinutes: 120, undecided: 'variant_a' },
      schedule: null,
      overBudgetPolicy: 'block',
      costCap: null,
      maxRecipients: null,
      frequencyCap: null,
      deferPriority: null,
    });
  }, 180_000);

  it('adds variants up to four, removes one, and goes back to plain messages with variant A', async () => {
    api.calls = [];
    api.answer = () => null;
    const user = userEvent.setup({ delay: null });
    await renderPage('/campaigns/new');
    fireEvent.change(await screen.findByLabelText('Campaign name'), { target: { value: 'x' } });
    fireEvent.change(screen.getByLabelText('Message text'), { target: { value: 'first' } });
    await user.click(screen.getByRole('radio', { name: 'A/B test (2 to 4 variants)' }));
    expect((within(variant('A')).getByLabelText('Message text') as HTMLTextAreaElement).value).toBe('first');
    const add = () => screen.getByRole('button', { name: '+ Add variant' }) as HTMLButtonElement;
    await user.click(add());
    await waitFor(() => expect(screen.getAllByTestId('variant-editor')).toHaveLength(3));
    await user.click(add());
    expect(screen.getAllByTestId('variant-editor')).toHaveLength(4);
    expect(add().disabled).toBe(true);
    expect((within(variant('D')).getByLabelText('Name of variant D') as HTMLInputElement).value).toBe('Variant D');
    await user.click(screen.getByRole('button', { name: 'Remove variant B' }));
    expect(screen.getAllByTestId('variant-editor')).toHaveLength(3);
    // The others move up a letter, keeping their names.
    expect((within(variant('B')).getByLabelText('Name of variant B') as HTMLInputElement).value).toBe('Variant C');
    await user.click(screen.getByRole('radio', { name: 'One set of messages' }));
    expect(screen.queryByTestId('ab-test-editor')).toBeNull();
    expect((screen.getByLabelText('Message text') as HTMLTextAreaElement).value).toBe('first');
  }, 120_000);

  it("round-trips policy defer's priority: shown from the API, edited, and sent on save", async () => {
    api.calls = [];
    let saved = campaignOf({
      messages: [{ type: 'text', text: 'Hello' }],
      overBudgetPolicy: 'defer',
      deferPriority: { attribute: 'points', order: 'desc' },
    });
    api.answer = (method, url, body) => {
      if (url === '/api/v1/campaigns/c1' && method === 'GET') return Response.json(saved);
      if (url === '/api/v1/campaigns/c1' && method === 'PATCH') {
        const { version: _version, ...rest } = body as Record<string, unknown>;
        if ((rest.deferPriority as { attribute: string } | null)?.attribute === 'bad name')
          return Response.json(
            {
              statusCode: 400,
              error: 'Bad Request',
              message: 'deferPriority.attribute: must be an attribute name',
              details: [{ field: 'deferPriority.attribute', problem: 'must be an attribute name' }],
            },
            { status: 400 },
          );
        saved = campaignOf({ ...saved, ...rest }, saved.version + 1);
        return Response.json(saved);
      }
      return null;
    };
    const user = userEvent.setup({ delay: null });
    await renderPage('/campaigns/c1', 'Save draft');
    const attribute = (await screen.findByLabelText('Attribute')) as HTMLInputElement;
    await waitFor(() => expect(attribute.value).toBe('points'));
    expect(
      screen.getByRole('radio', { name: 'By a contact attribute' }).closest('.ant-radio-wrapper-checked'),
    ).toBeTruthy();
    expect(within(screen.getByTestId('defer-priority')).getByTitle('The highest values')).toBeTruthy();

    fireEvent.change(attribute, { target: { value: 'bad name' } });
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    const item = (await screen.findByText('must be an attribute name')).closest('.ant-form-item') as HTMLElement;
    expect(within(item).getByLabelText('Attribute')).toBe(screen.getByLabelText('Attribute'));

    fireEvent.change(screen.getByLabelText('Attribute'), { target: { value: 'lastVisit' } });
    await user.click(screen.getByRole('combobox', { name: 'Goes first' }));
    await user.click(await screen.findByTitle('The lowest values'));
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    await waitFor(() => expect(saved.version).toBe(2));
    expect(lastBody('PATCH', '/api/v1/campaigns/c1')).toMatchObject({
      overBudgetPolicy: 'defer',
      deferPriority: { attribute: 'lastVisit', order: 'asc' },
      messages: [{ type: 'text', text: 'Hello' }],
      variants: null,
      abTest: null,
      version: 1,
    });
    // Kept when the policy changes (the API keeps it, unused); the random order sends null.
    await user.click(screen.getByRole('radio', { name: 'Block the send' }));
    expect(screen.queryByTestId('defer-priority')).toBeNull();
    await user.click(screen.getByRole('radio', { name: 'Send the free part now, the rest at the monthly reset' }));
    expect((screen.getByLabelText('Attribute') as HTMLInputElement).value).toBe('lastVisit');
    await user.click(screen.getByRole('radio', { name: 'A random order (seeded)' }));
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    await waitFor(() => expect(saved.version).toBe(3));
    expect(lastBody('PATCH', '/api/v1/campaigns/c1')).toMatchObject({ deferPriority: null, version: 2 });
  }, 120_000);

  it("shows an approver the A/B draft's variants and settings, and lets them change nothing", async () => {
    api.calls = [];
    session.role = 'approver';
    try {
      api.answer = (method, url) =>
        url === '/api/v1/campaigns/c1' && method === 'GET'
          ? Response.json(
              campaignOf({
                variants: [
                  { name: 'Plain text', messages: [{ type: 'text', text: 'Winter sale' }] },
                  { name: 'Coupon', messages: [{ type: 'text', text: 'Your coupon' }] },
                ],
                abTest: { testShare: 30, metric: 'unique_impression_rate', waitMinutes: 60, undecided: 'wait' },
              }),
            )
          : null;
      render(
        <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
          <AntApp>
            <AuthProvider>
              <AccountProvider>
                <MemoryRouter initialEntries={['/campaigns/c1']}>
                  <Routes>
                    <Route path="/campaigns/:id" element={<CampaignEditPage />} />
                  </Routes>
                </MemoryRouter>
              </AccountProvider>
            </AuthProvider>
          </AntApp>
        </QueryClientProvider>,
      );
      await screen.findByText('Marketers and admins edit campaigns.');
      const name = within(await screen.findByRole('region', { name: 'Variant B' })).getByLabelText(
        'Name of variant B',
      ) as HTMLInputElement;
      await waitFor(() => expect(name.value).toBe('Coupon'));
      expect(name.disabled).toBe(true);
      expect((screen.getByLabelText('Test share (%)') as HTMLInputElement).value).toBe('30');
      expect((screen.getByLabelText('Test share (%)') as HTMLInputElement).disabled).toBe(true);
      expect((screen.getByRole('button', { name: '+ Add variant' }) as HTMLButtonElement).disabled).toBe(true);
      expect((screen.getByRole('button', { name: 'Remove variant B' }) as HTMLButtonElement).disabled).toBe(true);
      expect((screen.getByRole('radio', { name: 'One set of messages' }) as HTMLInputElement).disabled).toBe(true);
      expect(screen.getByTitle('unique impression rate')).toBeTruthy();
      expect(screen.getByTitle('wait once more')).toBeTruthy();
      expect(
        api.calls.some((c) => c.method === 'PATCH' || (c.method === 'POST' && c.url === '/api/v1/campaigns')),
      ).toBe(false);
    } finally {
      session.role = 'marketer';
    }
  }, 120_000);

  it('says it in Traditional Chinese', async () => {
    await i18next.changeLanguage('zh-TW');
    try {
      api.calls = [];
      api.answer = () => null;
      const user = userEvent.setup({ delay: null });
      await renderPage('/campaigns/new', '建立草稿');
      await user.click(await screen.findByRole('radio', { name: 'A/B 測試（2 至 4 個版本）' }));
      expect(screen.getByRole('region', { name: 'B 版本' })).toBeTruthy();
      expect(screen.getByLabelText('測試比例（%）')).toBeTruthy();
      expect(screen.getByLabelText('判定前等待（分鐘）')).toBeTruthy();
      expect(screen.getByRole('button', { name: '移除 A 版本' })).toBeTruthy();
      expect((screen.getByLabelText('B 版本名稱') as HTMLInputElement).value).toBe('B 版本');
    } finally {
      await i18next.changeLanguage('en');
    }
  }, 120_000);
});
