import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import i18next from 'i18next';

// The client keeps the fetch it was created with: one that asks the test's current handler.
const api = vi.hoisted(() => {
  const state = {
    calls: [] as { method: string; url: string; body: unknown }[],
    answer: (_method: string, _url: string, _body: unknown): Response => Response.json({}),
  };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const text = request.method === 'GET' ? '' : await request.text();
    const body: unknown = text ? JSON.parse(text) : null;
    const url = new URL(request.url).pathname;
    state.calls.push({ method: request.method, url, body });
    return state.answer(request.method, url, body);
  };
  return state;
});

import type { Forecast } from '../api/types';
import { ForecastPanel } from './ForecastPanel';
import { useDraftForecast, type DraftForecastBody } from './DraftForecast';
import { CronOccurrences } from './CronOccurrences';
import { SendNowConfirm } from './SendNowConfirm';

function withQueries(node: React.ReactNode) {
  return (
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      {node}
    </QueryClientProvider>
  );
}

/** An API forecast with these figures; the panel must show them as given. */
function forecastOf(recipients: number, paid: number, cost: string, verdict = 'ok'): Forecast {
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
    freeMessages: recipients - paid,
    paidMessages: paid,
    cost: { amount: cost, currency: 'TWD', bands: [] },
    budget: { monthlyCap: '500', spentThisMonth: '0', reservedThisMonth: '0', remainingAfter: '100.0000' },
    verdict,
    verdicts: verdict === 'ok' ? [] : [verdict],
    reasons: [`${recipients} recipients as the API counted them.`],
    suggestions: [],
    deferral: null,
    rateCard: { id: 'r1', region: 'TW', plan: 'high', verified: true, source: 'LINE' },
  } as unknown as Forecast;
}

/** The composer's part under test: a field of the draft, and the live forecast of the draft. */
function Composer() {
  const [maxRecipients, setMax] = useState('');
  const body = {
    lineAccountId: 'a1',
    audienceId: 'u1',
    messages: [{ type: 'text', text: 'Hi' }],
    schedule: null,
    maxRecipients: maxRecipients ? Number(maxRecipients) : null,
    overBudgetPolicy: 'block',
  } as DraftForecastBody;
  const live = useDraftForecast(body, 150);
  return (
    <>
      <label>
        At most
        <input value={maxRecipients} onChange={(e) => setMax(e.target.value)} />
      </label>
      <ForecastPanel
        forecast={live.forecast}
        updating={live.updating}
        problems={live.problems}
        timeZone="Asia/Taipei"
      />
    </>
  );
}

describe('the live forecast of the draft', () => {
  it('asks the API again once the edits stop, with the whole draft, and shows its answer', async () => {
    api.calls = [];
    api.answer = (_m, _u, body) => {
      const max = (body as { maxRecipients: number | null }).maxRecipients;
      return max === 99999
        ? Response.json(
            {
              statusCode: 400,
              error: 'Bad Request',
              message: 'x',
              details: [{ field: 'maxRecipients', problem: 'too many' }],
            },
            { status: 400 },
          )
        : Response.json(
            max === null ? forecastOf(40, 0, '0.0000') : forecastOf(max, max, `${max}.5000`, 'over_budget'),
          );
    };
    const user = userEvent.setup();
    render(withQueries(<Composer />));
    await waitFor(() => expect(screen.getByTestId('forecast-cost').textContent).toBe('NT$0.00'));
    expect(screen.getByTestId('verdict').textContent).toBe('OK to send');

    await user.type(screen.getByLabelText('At most'), '25');
    await waitFor(() => expect(screen.getByTestId('forecast-cost').textContent).toBe('NT$25.50'));
    expect(screen.getByTestId('verdict').textContent).toBe('Over budget');
    expect(
      within(screen.getByTestId('forecast-panel')).getByText('25 recipients as the API counted them.'),
    ).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId('forecast-updating')).toBeNull());
    // Debounced: the draft with "2" was never sent, only the first one and the one with 25.
    const drafts = api.calls.filter((c) => c.url === '/api/v1/campaigns/forecast-draft');
    expect(drafts.map((c) => (c.body as { maxRecipients: unknown }).maxRecipients)).toEqual([null, 25]);
    expect(drafts[1].body).toMatchObject({ lineAccountId: 'a1', audienceId: 'u1', schedule: null });

    // A draft the API can't forecast: its problems, and the last figures stay.
    await user.clear(screen.getByLabelText('At most'));
    await user.type(screen.getByLabelText('At most'), '99999');
    const problems = await screen.findByTestId('forecast-problems', {}, { timeout: 3000 });
    expect(problems.textContent).toContain('maxRecipients: too many');
    expect(screen.getByTestId('forecast-cost').textContent).toBe('NT$25.50');
  });
});

describe('a cron schedule', () => {
  const occurrences = [
    { at: '2026-12-07T02:00:00.000Z', local: '2026-12-07 10:00 +08:00', weekday: 'Mon' },
    { at: '2026-12-14T02:00:00.000Z', local: '2026-12-14 10:00 +08:00', weekday: 'Mon' },
    { at: '2026-12-21T02:00:00.000Z', local: '2026-12-21 10:00 +08:00', weekday: 'Mon' },
    { at: '2026-12-28T02:00:00.000Z', local: '2026-12-28 10:00 +08:00', weekday: 'Mon' },
    { at: '2027-01-04T02:00:00.000Z', local: '2027-01-04 10:00 +08:00', weekday: 'Mon' },
  ];

  it("lists the API's next five occurrences with their offset, and the API's problem with a bad one", async () => {
    api.calls = [];
    api.answer = (_m, _u, body) =>
      (body as { cron: string }).cron === '60 10 * * 1'
        ? Response.json(
            {
              statusCode: 400,
              error: 'Bad Request',
              message: 'cron: minute',
              details: [{ field: 'cron', problem: 'minute: "60" is not valid (0-59)' }],
            },
            { status: 400 },
          )
        : Response.json({ occurrences });
    const { rerender } = render(withQueries(<CronOccurrences cron="0 10 * * 1" timeZone="Asia/Taipei" />));
    const list = await screen.findByTestId('cron-occurrences', {}, { timeout: 3000 });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(5));
    expect(within(list).getAllByRole('listitem')[0].textContent).toBe('Mon 2026-12-07 10:00 +08:00');
    expect(screen.getByText('Next five sends (Asia/Taipei)')).toBeTruthy();
    expect(api.calls.at(-1)).toMatchObject({
      url: '/api/v1/schedules/preview',
      body: { cron: '0 10 * * 1', timezone: 'Asia/Taipei', count: 5 },
    });
    rerender(withQueries(<CronOccurrences cron="60 10 * * 1" timeZone="Asia/Taipei" />));
    expect((await screen.findByTestId('cron-problem', {}, { timeout: 3000 })).textContent).toContain(
      'minute: "60" is not valid',
    );
  });

  it('names the weekdays in Traditional Chinese', async () => {
    await i18next.changeLanguage('zh-TW');
    try {
      api.answer = () => Response.json({ occurrences });
      render(withQueries(<CronOccurrences cron="0 10 * * 1" timeZone="Asia/Taipei" />));
      const list = await screen.findByTestId('cron-occurrences', {}, { timeout: 3000 });
      await waitFor(() =>
        expect(within(list).getAllByRole('listitem')[0].textContent).toBe('週一 2026-12-07 10:00 +08:00'),
      );
      expect(screen.getByText('接下來五次發送（Asia/Taipei）')).toBeTruthy();
    } finally {
      await i18next.changeLanguage('en');
    }
  });
});

describe('"Send now" asks first', () => {
  it("shows the forecast's recipients, paid messages and cost, and sends only when confirmed", async () => {
    api.calls = [];
    api.answer = () => Response.json(forecastOf(1234, 234, '46.8000', 'over_budget'));
    const onConfirm = vi.fn();
    const user = userEvent.setup();
    render(withQueries(<SendNowConfirm campaignId="c1" open onConfirm={onConfirm} onCancel={() => undefined} />));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(within(dialog).getByTestId('send-now-cost').textContent).toBe('NT$46.80'));
    expect(within(dialog).getByTestId('send-now-recipients').textContent).toBe('1,234');
    expect(within(dialog).getByTestId('send-now-paid').textContent).toBe('234');
    expect(within(dialog).getByText('1234 recipients as the API counted them.')).toBeTruthy();
    expect(api.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/v1/campaigns/c1/forecast']);
    expect(onConfirm).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Send now' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('asks in Traditional Chinese', async () => {
    await i18next.changeLanguage('zh-TW');
    try {
      api.answer = () => Response.json(forecastOf(40, 0, '0.0000'));
      render(
        withQueries(<SendNowConfirm campaignId="c1" open onConfirm={() => undefined} onCancel={() => undefined} />),
      );
      const dialog = await screen.findByRole('dialog');
      await waitFor(() => expect(within(dialog).getByTestId('send-now-cost').textContent).toBe('NT$0.00'));
      expect(within(dialog).getByText('立即發送此活動？')).toBeTruthy();
      expect(within(dialog).getByText('付費訊息')).toBeTruthy();
      expect(within(dialog).getByRole('button', { name: '立即發送' })).toBeTruthy();
    } finally {
      await i18next.changeLanguage('en');
    }
  });

  it("says the account's quiet hours are in force and until when, not 'OK to send', in both languages", async () => {
    const quiet = {
      ...forecastOf(40, 0, '0.0000'),
      quietHoursNow: {
        start: '21:00',
        end: '09:00',
        timezone: 'Asia/Taipei',
        until: '2027-03-18T01:00:00.000Z',
        untilLocal: '2027-03-18 09:00 +08:00',
      },
    };
    api.answer = () => Response.json(quiet);
    const { unmount } = render(
      withQueries(<SendNowConfirm campaignId="c1" open onConfirm={() => undefined} onCancel={() => undefined} />),
    );
    let dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(within(dialog).getByTestId('send-now-cost').textContent).toBe('NT$0.00'));
    expect(within(dialog).queryByText('OK to send')).toBeNull();
    expect(within(dialog).getByText('Quiet hours until 2027-03-18 09:00 GMT+08:00')).toBeTruthy();
    expect(within(dialog).getByTestId('send-now-quiet').textContent).toContain(
      "The account's quiet hours are in force until 2027-03-18 09:00 GMT+08:00",
    );
    unmount();
    await i18next.changeLanguage('zh-TW');
    try {
      render(
        withQueries(<SendNowConfirm campaignId="c1" open onConfirm={() => undefined} onCancel={() => undefined} />),
      );
      dialog = await screen.findByRole('dialog');
      await waitFor(() => expect(within(dialog).getByTestId('send-now-cost').textContent).toBe('NT$0.00'));
      expect(within(dialog).queryByText('可以發送')).toBeNull();
      expect(within(dialog).getByText('勿擾時段至 2027-03-18 09:00 GMT+08:00')).toBeTruthy();
    } finally {
      await i18next.changeLanguage('en');
    }
  });

  it("still says 'OK to send' outside quiet hours", async () => {
    api.answer = () => Response.json({ ...forecastOf(40, 0, '0.0000'), quietHoursNow: null });
    render(withQueries(<SendNowConfirm campaignId="c1" open onConfirm={() => undefined} onCancel={() => undefined} />));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(within(dialog).getByText('OK to send')).toBeTruthy());
    expect(within(dialog).queryByTestId('send-now-quiet')).toBeNull();
  });
});
