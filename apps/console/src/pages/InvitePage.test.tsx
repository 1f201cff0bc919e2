import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import i18next from 'i18next';

// The client keeps the fetch it was created with: no session yet, and an invite that sets the password.
const api = vi.hoisted(() => {
  const state = { calls: [] as string[] };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(request.url).pathname;
    state.calls.push(`${request.method} ${url}`);
    if (url === '/api/v1/auth/invites/tok1/accept')
      return Response.json({
        user: { id: 'u1', email: 'lin@example.com', name: 'Lin', role: 'marketer' },
        csrfToken: 'csrf',
      });
    return Response.json({ statusCode: 401, message: 'sign in' }, { status: 401 });
  };
  return state;
});

import { AuthProvider } from '../auth';
import InvitePage from './InvitePage';
import { LoginPage } from './LoginPage';

function renderAt(path: string) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[path]}>
        <AuthProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/invite/:token" element={<InvitePage />} />
          </Routes>
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('accepting an invite', () => {
  it('lands on sign-in saying the password is set, with the email in', async () => {
    const user = userEvent.setup();
    renderAt('/invite/tok1');
    await user.type(await screen.findByLabelText('Password'), 'a-long-enough-password');
    await user.click(screen.getByRole('button', { name: 'Set password' }));
    expect(await screen.findByText('Password set — sign in')).toBeTruthy();
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('lin@example.com');
    expect(api.calls).toContain('POST /api/v1/auth/invites/tok1/accept');
  });

  it('a plain sign-in says nothing of a password and has no email in', async () => {
    renderAt('/login');
    expect((await screen.findByLabelText('Email')).getAttribute('value') ?? '').toBe('');
    expect(screen.queryByText('Password set — sign in')).toBeNull();
  });

  it('says it in Traditional Chinese', async () => {
    await i18next.changeLanguage('zh-TW');
    try {
      expect(i18next.t('Password set — sign in')).toBe('密碼已設定，請登入');
    } finally {
      await i18next.changeLanguage('en');
    }
  });
});
