import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import i18next from 'i18next';

// The client keeps the fetch it was created with: an API with no rate card yet.
vi.hoisted(() => {
  globalThis.fetch = async () => Response.json({ items: [], nextCursor: null });
});

import { RateCards } from './AdminPage';

function renderEditor() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <RateCards />
    </QueryClientProvider>,
  );
}

/** The error shown on the field of that label (none: undefined). */
const errorOn = (label: string) => {
  // The newest message: the one before may still be leaving (antd animates it out).
  const item = screen.getByLabelText(label).closest('.ant-form-item') as HTMLElement;
  return [...item.querySelectorAll('.ant-form-item-explain-error')].at(-1)?.textContent ?? undefined;
};

describe('rate card bands editor', () => {
  it('validates as you type, each problem on its field, and saves only a valid list', async () => {
    const user = userEvent.setup();
    renderEditor();
    const save = screen.getByRole('button', { name: 'Save rate card' });
    const price1 = screen.getByLabelText('Band 1 unit price');
    await user.clear(price1);
    await user.type(price1, '0.2x');
    expect(errorOn('Band 1 unit price')).toBe('Must be a decimal number such as 0.2 (up to 6 decimals)');
    expect(screen.getByLabelText('Band 1 unit price').getAttribute('aria-invalid')).toBe('true');
    expect((save as HTMLButtonElement).disabled).toBe(true);
    await user.type(price1, '{backspace}');
    expect(screen.getByLabelText('Band 1 unit price').getAttribute('aria-invalid')).toBe('false');
    expect((save as HTMLButtonElement).disabled).toBe(false);

    // A new band comes in open, before the open last one: that one needs a limit, and each limit must pass the one before.
    await user.click(screen.getByRole('button', { name: '+ Add band' }));
    expect(errorOn('Band 1 up to')).toBe('Only the last band may be open: give a limit');
    await user.type(screen.getByLabelText('Band 1 up to'), '5000');
    expect(screen.getByLabelText('Band 1 up to').getAttribute('aria-invalid')).toBe('false');
    await user.click(screen.getByRole('button', { name: '+ Add band' }));
    await user.type(screen.getByLabelText('Band 2 up to'), '4000');
    expect(errorOn('Band 2 up to')).toBe('Must be above 5000, the limit before it');
    await user.type(screen.getByLabelText('Band 3 up to'), '9000');
    expect(errorOn('Band 3 up to')).toBe('The last band must be open (leave it empty)');
    expect((save as HTMLButtonElement).disabled).toBe(true);
  }, 90_000); // many keystrokes through antd in jsdom, on a shared machine

  it('says it in Traditional Chinese', async () => {
    await i18next.changeLanguage('zh-TW');
    try {
      const user = userEvent.setup();
      renderEditor();
      const price = screen.getByLabelText('第 1 級單價');
      await user.type(price, 'x');
      expect(
        within(price.closest('.ant-form-item') as HTMLElement).getByText('須為小數，例如 0.2（最多 6 位小數）'),
      ).toBeTruthy();
    } finally {
      await i18next.changeLanguage('en');
    }
  });
});
