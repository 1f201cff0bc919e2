import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { FieldProblem } from '../api/client';
import type { AudienceRule } from '../api/types';
import { RuleBuilder } from './RuleBuilder';

/** The builder as a page holds it, with the tree it last emitted, as the API would receive it. */
const CAMPAIGNS = [{ id: '0b6a4c1e-8f3d-4d2a-9c4b-5e6f7a8b9c0d', name: 'Coupon offer' }];

function Harness({ initial, errors }: { initial: AudienceRule; errors?: FieldProblem[] }) {
  const [rule, setRule] = useState(initial);
  return (
    <>
      <RuleBuilder value={rule} onChange={setRule} errors={errors} campaigns={CAMPAIGNS} />
      <output data-testid="json">{JSON.stringify(rule)}</output>
    </>
  );
}
const tree = () => JSON.parse(screen.getByTestId('json').textContent!) as unknown;

/** Opens the "Add condition" menu of the n-th group (in document order) and picks a kind. */
async function addCondition(user: ReturnType<typeof userEvent.setup>, group: number, kind: string) {
  await user.click(screen.getAllByRole('button', { name: '+ Add condition' })[group]);
  const items = await screen.findAllByRole('menuitem', { name: kind });
  await user.click(items[items.length - 1]);
}

describe('RuleBuilder', () => {
  it('builds a nested tree of tags, groups and not from clicks and typing', async () => {
    const user = userEvent.setup({ delay: null });
    render(<Harness initial={{ all: [] }} />);
    await addCondition(user, 0, 'Has tag');
    fireEvent.change(screen.getByRole('textbox', { name: 'Tag' }), { target: { value: 'vip' } });
    await addCondition(user, 0, 'Group: any of');
    await addCondition(user, 0, 'Interacted recently'); // the inner group's button comes first
    await addCondition(user, 0, 'Not');
    const tags = screen.getAllByRole('textbox', { name: 'Tag' });
    fireEvent.change(tags[1], { target: { value: 'churned' } });
    expect(tree()).toEqual({
      all: [{ tag: 'vip' }, { any: [{ interactedWithinDays: 30 }, { not: { tag: 'churned' } }] }],
    });
    // Removing a condition removes exactly that node.
    await user.click(screen.getAllByRole('button', { name: 'Remove condition' })[0]);
    expect(tree()).toEqual({ all: [{ any: [{ interactedWithinDays: 30 }, { not: { tag: 'churned' } }] }] });
  });

  it("offers retargeting: who tapped a campaign's button (any, or one label) within some days", async () => {
    const user = userEvent.setup({ delay: null });
    render(
      <Harness
        initial={{ all: [] }}
        errors={[{ field: 'definition.all[0].tappedPostback.label', problem: 'bad label' }]}
      />,
    );
    await addCondition(user, 0, 'Tapped a campaign button');
    expect(tree()).toEqual({ all: [{ tappedPostback: { campaign: '', withinDays: 14 } }] });
    await user.click(screen.getByRole('combobox', { name: 'Campaign' }));
    await user.click(await screen.findByTitle('Coupon offer'));
    const label = screen.getByRole('textbox', { name: 'Button label (empty: any)' });
    fireEvent.change(label, { target: { value: 'coupon' } });
    expect(tree()).toEqual({
      all: [{ tappedPostback: { campaign: CAMPAIGNS[0].id, label: 'coupon', withinDays: 14 } }],
    });
    fireEvent.change(label, { target: { value: '' } });
    expect(tree()).toEqual({ all: [{ tappedPostback: { campaign: CAMPAIGNS[0].id, withinDays: 14 } }] });
    expect(screen.getByRole('alert').textContent).toBe('bad label');
  });

  it('keeps an attribute value typed: a number stays a number, text that is no number stays text for the API to judge', () => {
    render(<Harness initial={{ all: [{ attribute: 'age', op: 'gte', value: 30 }] }} />);
    const value = screen.getByRole('textbox', { name: 'Value' });
    fireEvent.change(value, { target: { value: '' } });
    fireEvent.change(value, { target: { value: '41' } });
    expect(tree()).toEqual({ all: [{ attribute: 'age', op: 'gte', value: 41 }] });
    fireEvent.change(value, { target: { value: 'soon' } });
    expect(tree()).toEqual({ all: [{ attribute: 'age', op: 'gte', value: 'soon' }] });
  });

  it('splits an "in" list and keeps each element of the chosen type', () => {
    render(<Harness initial={{ attribute: 'city', op: 'in', value: ['Taipei'] }} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Value' }), { target: { value: 'Taipei, Tainan,Kaohsiung' } });
    expect(tree()).toEqual({ attribute: 'city', op: 'in', value: ['Taipei', 'Tainan', 'Kaohsiung'] });
  });

  it('shows each problem the API reported on the node at its path, and nowhere else', () => {
    const { container } = render(
      <Harness
        initial={{ all: [{ tag: 'vip' }, { any: [{ tag: '' }, { attribute: 'age', op: 'gt', value: 'soon' }] }] }}
        errors={[
          { field: 'definition.all[1].any[1].value', problem: 'must be a number or an ISO date for gt' },
          { field: 'definition.all[1].any[0].tag', problem: 'must not be empty' },
        ]}
      />,
    );
    const node = (path: string) => container.querySelector<HTMLElement>(`[data-path="${path}"]`)!;
    const own = (path: string) =>
      [...node(path).querySelectorAll('[role="alert"]')]
        .filter((alert) => alert.closest('[data-path]') === node(path))
        .map((alert) => alert.textContent);
    expect(own('definition.all[1].any[1]')).toEqual(['must be a number or an ISO date for gt']);
    expect(own('definition.all[1].any[0]')).toEqual(['must not be empty']);
    expect(own('definition.all[0]')).toEqual([]);
    expect(own('definition.all[1]')).toEqual([]);
    expect(within(node('definition')).getAllByRole('alert')).toHaveLength(2);
  });

  it('an empty group carries its own problem', () => {
    const { container } = render(
      <Harness
        initial={{ all: [{ any: [] }] }}
        errors={[{ field: 'definition.all[0].any', problem: 'must have at least one rule' }]}
      />,
    );
    const group = container.querySelector<HTMLElement>('[data-path="definition.all[0]"]')!;
    expect(within(group).getByRole('alert').textContent).toBe('must have at least one rule');
  });
});
