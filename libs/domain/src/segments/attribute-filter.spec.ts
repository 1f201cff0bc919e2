import { attributeFilterRule } from './attribute-filter';

describe('attributeFilterRule', () => {
  it.each<[string, Parameters<typeof attributeFilterRule>[0], unknown]>([
    ['text eq by default', { attribute: 'city', value: 'Taipei' }, { attribute: 'city', op: 'eq', value: 'Taipei' }],
    [
      'a number',
      { attribute: 'age', op: 'gte', value: '30', valueType: 'number' },
      { attribute: 'age', op: 'gte', value: 30 },
    ],
    [
      'decimal numbers in their forms',
      { attribute: 'age', op: 'in', value: '+2, -1.5, .5, 1e3, 18.', valueType: 'number' },
      { attribute: 'age', op: 'in', value: [2, -1.5, 0.5, 1000, 18] },
    ],
    [
      'a yes/no',
      { attribute: 'member', value: 'true', valueType: 'boolean' },
      { attribute: 'member', op: 'eq', value: true },
    ],
    [
      'a date range',
      { attribute: 'signupDate', op: 'lt', value: '2025-01-01', valueType: 'date' },
      { attribute: 'signupDate', op: 'lt', value: '2025-01-01' },
    ],
    [
      'in, comma-separated',
      { attribute: 'city', op: 'in', value: 'Taipei, Tainan' },
      { attribute: 'city', op: 'in', value: ['Taipei', 'Tainan'] },
    ],
    ['exists without a value', { attribute: 'city', op: 'exists' }, { attribute: 'city', op: 'exists', value: true }],
    [
      'exists false',
      { attribute: 'city', op: 'exists', value: 'false' },
      { attribute: 'city', op: 'exists', value: false },
    ],
  ])('reads %s', (_, input, rule) => {
    expect(attributeFilterRule(input)).toEqual({ ok: true, rule });
  });

  it.each<[string, Parameters<typeof attributeFilterRule>[0], string]>([
    ['a number that is not', { attribute: 'age', op: 'gt', value: 'thirty', valueType: 'number' }, 'value'],
    // Number() reads these as 18, 2, 7 and 10; a CSV number column refuses them, and so does the filter.
    ['a hexadecimal number', { attribute: 'age', value: '0x12', valueType: 'number' }, 'value'],
    ['a binary number', { attribute: 'age', value: '0b10', valueType: 'number' }, 'value'],
    ['an octal number', { attribute: 'age', op: 'in', value: '1, 0o7', valueType: 'number' }, 'value'],
    ['a number with a separator', { attribute: 'age', value: '1_0', valueType: 'number' }, 'value'],
    ['a range over text', { attribute: 'city', op: 'gt', value: 'A' }, 'valueType'],
    ['a range over yes/no', { attribute: 'member', op: 'gt', value: 'true', valueType: 'boolean' }, 'valueType'],
    ['no value', { attribute: 'city', op: 'eq' }, 'value'],
    ['a bad name', { attribute: 'ci ty', value: 'x' }, 'attribute'],
    ['a date that is not', { attribute: 'signupDate', op: 'lt', value: 'soon', valueType: 'date' }, 'value'],
  ])('refuses %s, naming the field', (_, input, field) => {
    const result = attributeFilterRule(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.field)).toContain(field);
  });

  it('says a date filter takes an ISO-8601 date, not "a number or" one', () => {
    expect(attributeFilterRule({ attribute: 'signupDate', op: 'lt', value: '5', valueType: 'date' })).toEqual({
      ok: false,
      problems: [{ field: 'value', problem: expect.stringMatching(/^must be an ISO-8601 date: "YYYY-MM-DD"/) }],
    });
  });
});
