// What changed since the last approval, as the API compared it (GET /campaigns/:id/changes): one row
// per field, its value then and now, in words. Nothing is compared here.
import { Table, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';
import type { AudienceRule } from '../api/types';
import { formatMoney, formatNumber, formatTime } from '../format';
import { describeAbTest } from './AbTestView';

/** The answer, its values typed as what they are: any JSON the field holds (the document can't say more). */
export type Changes = Omit<Schemas['CampaignChangesResponseDto'], 'changes'> & {
  changes: { field: Schemas['CampaignChangeDto']['field']; before: unknown; after: unknown }[];
};

export interface ChangesTableProps {
  changes: Changes | undefined;
  timeZone: string;
  currency: string;
}

export function ChangesTable({ changes, timeZone, currency }: ChangesTableProps) {
  const { t, i18n } = useTranslation();
  if (!changes) return null;
  if (!changes.lastApproval)
    return <Typography.Text data-testid="changes-none">{t('never approved before')}</Typography.Text>;
  const show = (field: string, value: unknown) =>
    describeValue(field, value, { t, language: i18n.language, timeZone, currency });
  return (
    <div data-testid="changes">
      <Typography.Paragraph style={{ marginBottom: 8 }}>
        {t('Last approved at {{time}} (version {{version}})', {
          time: formatTime(changes.lastApproval.approvedAt, timeZone),
          version: changes.lastApproval.version,
        })}
        {changes.changes.length === 0 && <strong>{` ${t('Nothing changed since.')}`}</strong>}
      </Typography.Paragraph>
      {changes.changes.length > 0 && (
        <Table
          size="small"
          pagination={false}
          rowKey="field"
          aria-label={t('Changes since the last approval')}
          dataSource={changes.changes}
          columns={[
            { title: t('Field'), render: (_, c) => <strong>{t(`field.${c.field}`)}</strong> },
            { title: t('At the last approval'), render: (_, c) => show(c.field, c.before) },
            { title: t('Now'), render: (_, c) => show(c.field, c.after) },
          ]}
        />
      )}
    </div>
  );
}

interface Context {
  t: TFunction;
  language: string;
  timeZone: string;
  currency: string;
}

/** A field's value in words, in the form GET /campaigns/:id/changes gives it. */
export function describeValue(field: string, value: unknown, { t, language, timeZone, currency }: Context): string {
  switch (field) {
    case 'messages':
      return ((value as { type: string; text?: string; altText?: string }[] | null) ?? [])
        .map((m, i) => `${i + 1}. ${t(`message.${m.type}`)}: ${m.text ?? m.altText ?? ''}`)
        .join('\n');
    case 'variants': {
      const variants = value as { name: string; messages: unknown[] }[] | null;
      if (!variants) return t('none');
      return variants
        .map((v) => `${v.name}:\n${describeValue('messages', v.messages, { t, language, timeZone, currency })}`)
        .join('\n');
    }
    case 'audience': {
      const audience = value as { name: string; definition: AudienceRule | null } | null;
      if (!audience) return '—';
      return `${audience.name} (${audience.definition ? describeRule(audience.definition, t) : '—'})`;
    }
    case 'schedule': {
      const schedule = value as { at?: string; cron?: string; timezone?: string; until?: string } | null;
      if (!schedule) return t('Send now only');
      if (schedule.at) return t('Once at {{time}}', { time: formatTime(schedule.at, timeZone) });
      return (
        t('Recurring {{cron}} ({{timezone}})', { cron: schedule.cron, timezone: schedule.timezone }) +
        (schedule.until ? `, ${t('until {{time}}', { time: formatTime(schedule.until, timeZone) })}` : '')
      );
    }
    case 'overBudgetPolicy':
      return t(`policy.${String(value)}`);
    case 'costCap':
      return value === null ? t('no cap') : formatMoney({ amount: String(value), currency });
    case 'maxRecipients':
      return value === null ? t('no limit') : formatNumber(value as number, language);
    case 'frequencyCap': {
      if (value === null) return t("the account's cap");
      if (value === 'none') return t('no cap');
      return t('{{messages}} in {{days}} days', value as { messages: number; days: number });
    }
    case 'abTest':
      return value ? describeAbTest(value as Schemas['CampaignAbTestDto'], t) : t('not an A/B test');
    case 'deferPriority': {
      const priority = value as { attribute: string; order: 'asc' | 'desc' } | null;
      if (!priority) return t('random order');
      return `${priority.attribute} ${priority.order === 'asc' ? '↑' : '↓'}`;
    }
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** An audience rule in short words: "vip and not staff". */
export function describeRule(rule: AudienceRule, t: TFunction): string {
  const r = rule as unknown as Record<string, unknown>;
  const group = (children: AudienceRule[], joiner: string) =>
    children.length === 0 ? t('everyone') : children.map((c) => wrap(c)).join(` ${joiner} `);
  const wrap = (c: AudienceRule) => {
    const text = describeRule(c, t);
    return 'all' in c || 'any' in c ? `(${text})` : text;
  };
  if (Array.isArray(r.all)) return group(r.all as AudienceRule[], t('and'));
  if (Array.isArray(r.any)) return group(r.any as AudienceRule[], t('or'));
  if (r.not) return `${t('not')} ${wrap(r.not as AudienceRule)}`;
  if (typeof r.tag === 'string') return t('tag {{tag}}', { tag: r.tag });
  if (typeof r.attribute === 'string')
    return `${r.attribute} ${t(`op.${String(r.op)}`)}${r.op === 'exists' ? '' : ` ${JSON.stringify(r.value)}`}`;
  if (typeof r.followedWithinDays === 'number')
    return t('followed within {{days}} days', { days: r.followedWithinDays });
  if (typeof r.interactedWithinDays === 'number')
    return t('interacted within {{days}} days', { days: r.interactedWithinDays });
  if (typeof r.audience === 'string') return t('another audience');
  if (Array.isArray(r.list)) return t('a list of {{n}} users', { n: r.list.length });
  return JSON.stringify(rule);
}
