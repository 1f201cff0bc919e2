import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { MemoryRouter } from 'react-router';

// A signed-in marketer uploads a file; the upload has reached 100% and the service answers the
// import's progress as it writes: the test sets where it is.
const api = vi.hoisted(() => {
  const state = {
    importUrl: '',
    progress: { state: 'writing', rowsRead: 40_000, rowsToWrite: 40_000 as number | null, rowsWritten: 30_000 },
  };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url).pathname;
    if (url === '/api/v1/auth/session')
      return Response.json({
        user: { id: 'm1', email: 'mei@example.com', name: 'Mei', role: 'marketer' },
        csrfToken: 'csrf',
      });
    if (url === '/api/v1/line-accounts')
      return Response.json({ items: [{ id: 'a1', name: 'Sandbox', timezone: 'Asia/Taipei' }], nextCursor: null });
    if (url === '/api/v1/line-accounts/a1/contacts') return Response.json({ items: [], nextCursor: null });
    if (url.startsWith('/api/v1/line-accounts/a1/contacts/import/'))
      return Response.json({ id: url.split('/').pop(), ...state.progress });
    return Response.json({ statusCode: 404, message: `not in this test: ${url}` }, { status: 404 });
  };
  return state;
});

vi.mock('../api/client', async (original) => ({
  ...(await original<typeof import('../api/client')>()),
  // The file is sent; the answer comes when the service has written it (never, in this test).
  upload: (url: string, _file: Blob, _type: string, onProgress: (fraction: number) => void) => {
    api.importUrl = url;
    onProgress(1);
    return new Promise(() => undefined);
  },
}));

import { AccountProvider } from '../account';
import { AuthProvider } from '../auth';
import ContactsPage from './ContactsPage';

async function uploadAFile(): Promise<void> {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
        <AuthProvider>
          <AccountProvider>
            <App>
              <ContactsPage />
            </App>
          </AccountProvider>
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  await screen.findByText('Import a CSV file');
  const input = document.querySelector('input[type=file]') as HTMLInputElement;
  fireEvent.change(input, { target: { files: [new File(['lineUserId\n'], 'contacts.csv', { type: 'text/csv' })] } });
}

describe('contacts screen: a CSV import after its upload', () => {
  it("shows how many of the file's rows the service has written, from the import's progress", async () => {
    await uploadAFile();
    const bar = await screen.findByRole('progressbar', { name: 'Writing progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('75');
    expect(await screen.findByText('Writing 30,000 of 40,000 rows')).toBeTruthy();
    expect(api.importUrl).toMatch(/\/contacts\/import\?importId=[0-9a-f-]{36}$/);
  });

  it('while the service still reads the file, says how many rows it has read', async () => {
    api.progress = { state: 'reading', rowsRead: 12_000, rowsToWrite: null, rowsWritten: 0 };
    await uploadAFile();
    expect(await screen.findByText('Reading the file: 12,000 rows so far')).toBeTruthy();
  });
});
