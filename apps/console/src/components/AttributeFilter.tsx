// A typed attribute condition for the contacts list (attribute, operator, value and its type), sent
// to the API as is: the API reads it exactly as an audience rule and answers 400 naming a bad field.
import { useState } from 'react';
import { Button, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';

export type AttributeOp = 'eq' | 'neq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';
export type AttributeValueType = 'text' | 'number' | 'boolean' | 'date';

export interface AttributeCondition {
  attribute: string;
  op: AttributeOp;
  value?: string;
  valueType: AttributeValueType;
}

const OPS: AttributeOp[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'];
const TYPES: AttributeValueType[] = ['text', 'number', 'boolean', 'date'];
/** The operators each type compares with (the API refuses the others). */
const OPS_OF: Record<AttributeValueType, AttributeOp[]> = {
  text: ['eq', 'neq', 'in', 'exists'],
  number: OPS,
  boolean: ['eq', 'neq', 'exists'],
  date: OPS,
};

export function AttributeFilter({ onChange }: { onChange(condition: AttributeCondition | null): void }) {
  const { t } = useTranslation();
  const [attribute, setAttribute] = useState('');
  const [op, setOp] = useState<AttributeOp>('eq');
  const [valueType, setValueType] = useState<AttributeValueType>('text');
  const [value, setValue] = useState('');
  const apply = () => {
    const name = attribute.trim();
    if (!name) return onChange(null);
    onChange({ attribute: name, op, valueType, ...(op === 'exists' ? {} : { value: value.trim() }) });
  };
  return (
    <Space.Compact>
      <Input
        aria-label={t('Attribute')}
        placeholder={t('Attribute')}
        value={attribute}
        onChange={(e) => setAttribute(e.target.value)}
        onPressEnter={apply}
        style={{ width: 140 }}
      />
      <Select
        aria-label={t('Attribute type')}
        value={valueType}
        style={{ width: 100 }}
        onChange={(next: AttributeValueType) => {
          setValueType(next);
          if (!OPS_OF[next].includes(op)) setOp('eq');
          if (next === 'boolean') setValue('true');
        }}
        options={TYPES.map((type) => ({ value: type, label: t(`type.${type}`) }))}
      />
      <Select
        aria-label={t('Operator')}
        value={op}
        style={{ width: 110 }}
        onChange={(next: AttributeOp) => setOp(next)}
        options={OPS_OF[valueType].map((o) => ({ value: o, label: t(`op.${o}`) }))}
      />
      {op !== 'exists' &&
        (valueType === 'boolean' ? (
          <Select
            aria-label={t('Value')}
            value={value === 'false' ? 'false' : 'true'}
            style={{ width: 90 }}
            onChange={(next: string) => setValue(next)}
            options={[
              { value: 'true', label: t('yes') },
              { value: 'false', label: t('no') },
            ]}
          />
        ) : (
          <Input
            aria-label={t('Value')}
            placeholder={
              op === 'in'
                ? t('a, b, c')
                : valueType === 'date'
                  ? '2026-12-01'
                  : valueType === 'number'
                    ? '30'
                    : t('Value')
            }
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onPressEnter={apply}
            style={{ width: 150 }}
          />
        ))}
      <Button onClick={apply}>{t('Filter')}</Button>
    </Space.Compact>
  );
}
