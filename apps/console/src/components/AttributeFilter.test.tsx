import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AttributeFilter } from './AttributeFilter';

async function choose(label: string, option: string) {
  await userEvent.click(screen.getByLabelText(label));
  const options = await screen.findAllByTitle(option);
  await userEvent.click(options.at(-1)!);
}

describe('attribute filter', () => {
  it('hands the typed condition to the page, and clears it with an empty name', async () => {
    const onChange = vi.fn();
    render(<AttributeFilter onChange={onChange} />);
    await userEvent.type(screen.getByLabelText('Attribute'), 'city');
    await userEvent.type(screen.getByLabelText('Value'), 'Taipei ');
    await userEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect(onChange).toHaveBeenLastCalledWith({ attribute: 'city', op: 'eq', valueType: 'text', value: 'Taipei' });

    await choose('Attribute type', 'number');
    await choose('Operator', '≥');
    await userEvent.clear(screen.getByLabelText('Value'));
    await userEvent.type(screen.getByLabelText('Value'), '30{Enter}');
    expect(onChange).toHaveBeenLastCalledWith({ attribute: 'city', op: 'gte', valueType: 'number', value: '30' });

    await choose('Operator', 'is set');
    expect(screen.queryByLabelText('Value')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect(onChange).toHaveBeenLastCalledWith({ attribute: 'city', op: 'exists', valueType: 'number' });

    await userEvent.clear(screen.getByLabelText('Attribute'));
    await userEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect(onChange).toHaveBeenLastCalledWith(null);
  });

  it('offers a text attribute only the comparisons the API reads for text', async () => {
    render(<AttributeFilter onChange={() => undefined} />);
    await userEvent.click(screen.getByLabelText('Operator'));
    expect(screen.queryByTitle('≥')).toBeNull();
    expect((await screen.findAllByTitle('is one of')).length).toBeGreaterThan(0);
  });
});
