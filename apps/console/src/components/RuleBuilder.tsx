// The visual editor of an audience's rule tree (docs/domain.md, "Audiences"). It edits the tree
// and shows, on each node, the problems the API reported at that node's path; it decides nothing
// about validity itself.
import { Button, Card, Dropdown, Input, InputNumber, Select, Space, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldProblem } from '../api/client';
import type { AudienceRule } from '../api/types';

type Rule = AudienceRule;
type ValueType = 'text' | 'number' | 'boolean' | 'date';
const VALUE_TYPE = Symbol('valueType'); // the chosen input type of an attribute value; never sent (JSON skips symbols)

export interface RuleBuilderProps {
  value: Rule;
  onChange(rule: Rule): void;
  /** Problems from the API, each at its path (`definition.all[2].op`). */
  errors?: FieldProblem[];
  /** Other audiences of the account, for the "in audience" condition. */
  audiences?: { id: string; name: string }[];
  /** The account's campaigns, for the "tapped a campaign's button" condition. */
  campaigns?: { id: string; name: string }[];
  disabled?: boolean;
}

export function RuleBuilder({
  value,
  onChange,
  errors = [],
  audiences = [],
  campaigns = [],
  disabled,
}: RuleBuilderProps) {
  return (
    <Node
      rule={value}
      path="definition"
      onChange={onChange}
      errors={errors}
      audiences={audiences}
      campaigns={campaigns}
      disabled={!!disabled}
      depth={0}
    />
  );
}

interface NodeProps {
  rule: Rule;
  path: string;
  onChange(rule: Rule): void;
  onRemove?(): void;
  errors: FieldProblem[];
  audiences: { id: string; name: string }[];
  campaigns: { id: string; name: string }[];
  disabled: boolean;
  depth: number;
}

function isGroup(rule: Rule): rule is { all: Rule[] } | { any: Rule[] } {
  return 'all' in rule || 'any' in rule;
}

/** The problems that belong to this node itself (not to a child). */
export function ownProblems(rule: Rule, path: string, errors: FieldProblem[]): FieldProblem[] {
  if (isGroup(rule))
    return errors.filter((e) => e.field === path || e.field === `${path}.all` || e.field === `${path}.any`);
  if ('not' in rule) return errors.filter((e) => e.field === path);
  return errors.filter((e) => e.field === path || e.field.startsWith(`${path}.`) || e.field.startsWith(`${path}[`));
}

function Problems({ problems }: { problems: FieldProblem[] }) {
  if (!problems.length) return null;
  return (
    <div role="alert" style={{ color: '#d4380d', fontSize: 13, marginTop: 4 }}>
      {problems.map((p, i) => (
        <div key={i}>{p.problem}</div>
      ))}
    </div>
  );
}

const NEW_RULES: Record<string, () => Rule> = {
  tag: () => ({ tag: '' }),
  attribute: () => ({ attribute: '', op: 'eq', value: '' }),
  followedWithinDays: () => ({ followedWithinDays: 30 }),
  interactedWithinDays: () => ({ interactedWithinDays: 30 }),
  audience: () => ({ audience: '' }),
  list: () => ({ list: [] }),
  tappedPostback: () => ({ tappedPostback: { campaign: '', withinDays: 14 } }),
  all: () => ({ all: [] }),
  any: () => ({ any: [] }),
  not: () => ({ not: { tag: '' } }),
};

function Node(props: NodeProps) {
  const { rule, path, onChange, onRemove, errors, disabled, depth } = props;
  const { t } = useTranslation();
  const problems = ownProblems(rule, path, errors);
  const remove = onRemove && (
    <Button size="small" type="text" danger disabled={disabled} onClick={onRemove} aria-label={t('Remove condition')}>
      ✕
    </Button>
  );
  if (isGroup(rule)) {
    const mode = 'all' in rule ? 'all' : 'any';
    const children = 'all' in rule ? rule.all : rule.any;
    const setChildren = (next: Rule[]) => onChange(mode === 'all' ? { all: next } : { any: next });
    return (
      <Card
        size="small"
        data-path={path}
        style={{
          borderLeft: `3px solid ${mode === 'all' ? '#06a04a' : '#4a90e2'}`,
          background: depth % 2 ? '#fafafa' : '#fff',
        }}
        title={
          <Space>
            <Select
              aria-label={t('Match')}
              size="small"
              disabled={disabled}
              value={mode}
              onChange={(next) => onChange(next === 'all' ? { all: children } : { any: children })}
              options={[
                { value: 'all', label: t('All of these') },
                { value: 'any', label: t('Any of these') },
              ]}
            />
          </Space>
        }
        extra={remove}
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          {children.map((child, i) => (
            <Node
              {...props}
              key={i}
              rule={child}
              path={`${path}.${mode}[${i}]`}
              depth={depth + 1}
              onChange={(next) => setChildren(children.map((c, j) => (j === i ? next : c)))}
              onRemove={() => setChildren(children.filter((_, j) => j !== i))}
            />
          ))}
          {children.length === 0 && <Typography.Text type="secondary">{t('No condition yet')}</Typography.Text>}
          <AddCondition disabled={disabled} onAdd={(kind) => setChildren([...children, NEW_RULES[kind]()])} />
          <Problems problems={problems} />
        </Space>
      </Card>
    );
  }
  if ('not' in rule) {
    return (
      <Card
        size="small"
        data-path={path}
        style={{ borderLeft: '3px solid #d0021b' }}
        title={<Tag color="red">{t('None of this')}</Tag>}
        extra={remove}
      >
        <Node
          {...props}
          rule={rule.not}
          path={`${path}.not`}
          depth={depth + 1}
          onChange={(next) => onChange({ not: next })}
          onRemove={undefined}
        />
        <Problems problems={problems} />
      </Card>
    );
  }
  return (
    <div data-path={path} style={{ padding: '6px 8px', border: '1px solid #eee', borderRadius: 6, background: '#fff' }}>
      <Space wrap align="center">
        <Leaf {...props} />
        {remove}
      </Space>
      <Problems problems={problems} />
    </div>
  );
}

function AddCondition({ onAdd, disabled }: { onAdd(kind: string): void; disabled: boolean }) {
  const { t } = useTranslation();
  const items = [
    ['tag', t('Has tag')],
    ['attribute', t('Attribute')],
    ['interactedWithinDays', t('Interacted recently')],
    ['followedWithinDays', t('Followed recently')],
    ['tappedPostback', t('Tapped a campaign button')],
    ['audience', t('In another audience')],
    ['list', t('Static list')],
    ['all', t('Group: all of')],
    ['any', t('Group: any of')],
    ['not', t('Not')],
  ];
  return (
    <Dropdown
      disabled={disabled}
      trigger={['click']}
      menu={{ items: items.map(([key, label]) => ({ key, label })), onClick: ({ key }) => onAdd(key) }}
    >
      <Button size="small" type="dashed">
        + {t('Add condition')}
      </Button>
    </Dropdown>
  );
}

function valueTypeOf(rule: { value?: unknown; [VALUE_TYPE]?: ValueType }): ValueType {
  if (rule[VALUE_TYPE]) return rule[VALUE_TYPE];
  const sample = Array.isArray(rule.value) ? rule.value[0] : rule.value;
  if (typeof sample === 'number') return 'number';
  if (typeof sample === 'boolean') return 'boolean';
  if (typeof sample === 'string' && /^\d{4}-\d{2}-\d{2}/.test(sample)) return 'date';
  return 'text';
}

/** What the person typed, as the chosen type; text that isn't a number stays text (the API then says so on the node). */
function typed(text: string, type: ValueType): string | number | boolean {
  if (type === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (type === 'boolean') return text === 'true';
  return text;
}

function Leaf({ rule, onChange, audiences, campaigns, disabled }: NodeProps) {
  const { t } = useTranslation();
  if ('tappedPostback' in rule) {
    const tapped = rule.tappedPostback;
    const set = (next: Partial<typeof tapped>) => {
      const merged = { ...tapped, ...next };
      if (!merged.label) delete merged.label; // empty: any button of the campaign
      onChange({ tappedPostback: merged });
    };
    return (
      <>
        <Tag>{t('Tapped a button of')}</Tag>
        <Select
          size="small"
          aria-label={t('Campaign')}
          disabled={disabled}
          style={{ minWidth: 200 }}
          value={tapped.campaign || undefined}
          onChange={(id: string) => set({ campaign: id })}
          options={campaigns.map((c) => ({ value: c.id, label: c.name }))}
        />
        <Input
          size="small"
          aria-label={t('Button label (empty: any)')}
          placeholder={t('any button')}
          disabled={disabled}
          value={tapped.label ?? ''}
          onChange={(e) => set({ label: e.target.value })}
          style={{ width: 140 }}
        />
        <span>{t('within')}</span>
        <InputNumber
          size="small"
          aria-label={t('Days')}
          disabled={disabled}
          value={tapped.withinDays}
          onChange={(v) => set({ withinDays: v ?? 0 })}
        />
        <span>{t('days')}</span>
      </>
    );
  }
  if ('tag' in rule)
    return (
      <>
        <Tag>{t('Has tag')}</Tag>
        <Input
          size="small"
          aria-label={t('Tag')}
          placeholder="vip"
          disabled={disabled}
          value={rule.tag}
          onChange={(e) => onChange({ tag: e.target.value })}
          style={{ width: 180 }}
        />
      </>
    );
  if ('followedWithinDays' in rule || 'interactedWithinDays' in rule) {
    const key = 'followedWithinDays' in rule ? 'followedWithinDays' : 'interactedWithinDays';
    const days = 'followedWithinDays' in rule ? rule.followedWithinDays : rule.interactedWithinDays;
    return (
      <>
        <Tag>{key === 'followedWithinDays' ? t('Followed within') : t('Interacted within')}</Tag>
        <InputNumber
          size="small"
          aria-label={t('Days')}
          disabled={disabled}
          value={days}
          onChange={(v) => onChange({ [key]: v ?? 0 } as unknown as Rule)}
        />
        <span>{t('days')}</span>
      </>
    );
  }
  if ('audience' in rule)
    return (
      <>
        <Tag>{t('In audience')}</Tag>
        <Select
          size="small"
          aria-label={t('Audience')}
          disabled={disabled}
          style={{ minWidth: 200 }}
          value={rule.audience || undefined}
          onChange={(id: string) => onChange({ audience: id })}
          options={audiences.map((a) => ({ value: a.id, label: a.name }))}
        />
      </>
    );
  if ('list' in rule)
    return (
      <>
        <Tag>{t('Static list')}</Tag>
        <Input.TextArea
          aria-label={t('LINE user ids, one a line')}
          disabled={disabled}
          rows={3}
          style={{ width: 340 }}
          value={rule.list.join('\n')}
          onChange={(e) => onChange({ list: e.target.value.split(/\s+/).filter(Boolean) })}
        />
        <span>{t('{{n}} ids', { n: rule.list.length })}</span>
      </>
    );
  // attribute
  const attr = rule as Extract<Rule, { attribute: string }> & { [VALUE_TYPE]?: ValueType };
  const type = valueTypeOf(attr);
  const set = (next: Record<string, unknown>, nextType: ValueType = type) =>
    onChange({ ...next, [VALUE_TYPE]: nextType } as unknown as Rule);
  const text = Array.isArray(attr.value) ? attr.value.join(', ') : attr.value === undefined ? '' : String(attr.value);
  const writeValue = (raw: string, op = attr.op, valueType = type) =>
    op === 'in' ? raw.split(',').map((part) => typed(part.trim(), valueType)) : typed(raw, valueType);
  return (
    <>
      <Tag>{t('Attribute')}</Tag>
      <Input
        size="small"
        aria-label={t('Attribute name')}
        placeholder="city"
        disabled={disabled}
        value={attr.attribute}
        onChange={(e) => set({ ...attr, attribute: e.target.value })}
        style={{ width: 130 }}
      />
      <Select
        size="small"
        aria-label={t('Operator')}
        disabled={disabled}
        value={attr.op}
        style={{ width: 110 }}
        onChange={(op: string) => {
          if (op === 'exists') set({ attribute: attr.attribute, op });
          else set({ attribute: attr.attribute, op, value: writeValue(text, op as typeof attr.op) });
        }}
        options={['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'].map((op) => ({
          value: op,
          label: t(`op.${op}`),
        }))}
      />
      {attr.op !== 'exists' && (
        <>
          <Select
            size="small"
            aria-label={t('Value type')}
            disabled={disabled}
            value={type}
            style={{ width: 100 }}
            onChange={(next: ValueType) => set({ ...attr, value: writeValue(text, attr.op, next) }, next)}
            options={(['text', 'number', 'boolean', 'date'] as const).map((v) => ({ value: v, label: t(`type.${v}`) }))}
          />
          {type === 'boolean' ? (
            <Switch
              size="small"
              aria-label={t('Value')}
              disabled={disabled}
              checked={attr.value === true}
              onChange={(checked) => set({ ...attr, value: checked })}
            />
          ) : (
            <Input
              size="small"
              aria-label={t('Value')}
              type={type === 'date' && attr.op !== 'in' ? 'date' : 'text'}
              placeholder={attr.op === 'in' ? 'Taipei, Tainan' : ''}
              disabled={disabled}
              value={text}
              onChange={(e) => set({ ...attr, value: writeValue(e.target.value) })}
              style={{ width: 160 }}
            />
          )}
        </>
      )}
    </>
  );
}
