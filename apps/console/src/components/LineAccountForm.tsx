// A LINE account, created or edited: every field POST/PATCH /line-accounts takes, each problem the
// API names shown on its field; once saved, the webhook URL to copy into LINE's console and a
// connection test (a quota read from LINE). Fields are grouped in sections: add a field to its section.
import { useEffect, useMemo } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Divider, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call, type Schemas } from '../api/client';
import type { LineAccount } from '../api/types';
import { formatTime } from '../format';
import { ErrorAlert } from './common';

type CreateBody = Schemas['LineAccountCreateDto'];
type UpdateBody = Schemas['LineAccountUpdateDto'];

/** The form's values: the API's fields, with empty inputs as they come from antd. */
export interface LineAccountValues {
  name: string;
  channelId: string;
  channelAccessToken?: string;
  channelSecret?: string;
  region: string;
  plan: string;
  timezone: string;
  monthlyBudget: string;
  additionalMessageCap: number | null;
  otherPushHeadroom: number | null;
  /** The frequency cap's two numbers; both empty: no cap. */
  frequencyCapMessages: number | null;
  frequencyCapDays: number | null;
  apiBaseUrl?: string;
  /** Quiet hours, "HH:MM" in the account's zone; both empty: off. */
  quietHoursStart?: string;
  quietHoursEnd?: string;
  /** Empty: alerts off. */
  alertsWebhookUrl?: string;
  alertsSecret?: string;
  /** Percentages, comma-separated: "80, 100". */
  alertsThresholds?: string;
}

function initialValues(account: LineAccount | undefined): Partial<LineAccountValues> {
  if (!account)
    return {
      region: 'TW',
      timezone: 'Asia/Taipei',
      otherPushHeadroom: 0,
      additionalMessageCap: null,
      alertsThresholds: '80, 100',
      frequencyCapMessages: null,
      frequencyCapDays: null,
    };
  return {
    name: account.name,
    channelId: account.channelId,
    region: account.region,
    plan: account.plan,
    timezone: account.timezone,
    monthlyBudget: account.monthlyBudget.amount,
    additionalMessageCap: account.additionalMessageCap,
    otherPushHeadroom: account.otherPushHeadroom,
    frequencyCapMessages: account.frequencyCap?.messages ?? null,
    frequencyCapDays: account.frequencyCap?.days ?? null,
    apiBaseUrl: account.apiBaseUrl ?? '',
    quietHoursStart: account.quietHours?.start ?? '',
    quietHoursEnd: account.quietHours?.end ?? '',
    alertsWebhookUrl: account.alerts?.webhookUrl ?? '',
    alertsThresholds: (account.alerts?.thresholds ?? [80, 100]).join(', '),
  };
}

/** The body the API takes: empty optional inputs become "none" (null) or "unchanged" (left out). */
export function toBody(values: LineAccountValues, account: LineAccount | undefined): CreateBody | UpdateBody {
  const common = {
    name: values.name,
    region: values.region,
    plan: values.plan,
    timezone: values.timezone,
    monthlyBudget: values.monthlyBudget,
    additionalMessageCap: values.additionalMessageCap ?? null,
    otherPushHeadroom: values.otherPushHeadroom ?? 0,
    // Half a cap is sent as given, so the API names the missing number on its field.
    frequencyCap:
      values.frequencyCapMessages == null && values.frequencyCapDays == null
        ? null
        : ({ messages: values.frequencyCapMessages, days: values.frequencyCapDays } as {
            messages: number;
            days: number;
          }),
    apiBaseUrl: values.apiBaseUrl?.trim() ? values.apiBaseUrl.trim() : null,
    // Both empty: off. One of them empty is sent as it is, so the API names the field that is missing.
    quietHours:
      values.quietHoursStart?.trim() || values.quietHoursEnd?.trim()
        ? { start: values.quietHoursStart?.trim() ?? '', end: values.quietHoursEnd?.trim() ?? '' }
        : null,
    alerts: alertsBody(values),
  };
  // Secrets are write-only: on an edit, an empty input keeps the stored one.
  const secrets = {
    ...(values.channelAccessToken ? { channelAccessToken: values.channelAccessToken } : {}),
    ...(values.channelSecret ? { channelSecret: values.channelSecret } : {}),
  };
  if (account) return { ...common, ...secrets, version: account.version };
  return { ...common, ...secrets, channelId: values.channelId } as CreateBody;
}

/** Alerts on (a URL) or off (none); an empty secret keeps the stored one; thresholds as the API checks them. */
function alertsBody(values: LineAccountValues): CreateBody['alerts'] {
  const webhookUrl = values.alertsWebhookUrl?.trim();
  if (!webhookUrl) return null;
  const thresholds = (values.alertsThresholds ?? '')
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(Number);
  return {
    webhookUrl,
    ...(values.alertsSecret ? { secret: values.alertsSecret } : {}),
    thresholds,
  };
}

/** The form's field for each API field it holds differently (quiet hours split in two, alerts flattened). */
const FORM_FIELD: Record<string, string> = {
  quietHours: 'quietHoursStart',
  'quietHours.start': 'quietHoursStart',
  'quietHours.end': 'quietHoursEnd',
  alerts: 'alertsWebhookUrl',
  'alerts.webhookUrl': 'alertsWebhookUrl',
  'alerts.secret': 'alertsSecret',
  'alerts.thresholds': 'alertsThresholds',
  frequencyCap: 'frequencyCapMessages',
  'frequencyCap.messages': 'frequencyCapMessages',
  'frequencyCap.days': 'frequencyCapDays',
};

/** The API's field problems, set on the form's fields (the rest stay in the alert). */
function showFieldProblems(form: FormInstance<LineAccountValues>, error: unknown): void {
  if (!(error instanceof ApiError)) return;
  const known = new Set([...Object.keys(form.getFieldsValue(true) as object), ...Object.values(FORM_FIELD)]);
  const byField = new Map<string, string[]>();
  for (const { field: apiField, problem } of error.details) {
    const field = FORM_FIELD[apiField.replace(/\[\d+\]$/, '')] ?? apiField;
    if (known.has(field)) byField.set(field, [...(byField.get(field) ?? []), problem]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name: name as keyof LineAccountValues, errors })));
}

export function webhookUrl(account: Pick<LineAccount, 'id'>): string {
  return `${window.location.origin}/api/v1/webhooks/line/${account.id}`;
}

export function WebhookUrl({ account }: { account: Pick<LineAccount, 'id'> }) {
  const { t } = useTranslation();
  return (
    <Typography.Text
      copyable={{ text: webhookUrl(account), tooltips: [t('Copy'), t('Copied')] }}
      style={{ fontSize: 12 }}
      data-testid="webhook-url"
    >
      <code>{webhookUrl(account)}</code>
    </Typography.Text>
  );
}

/** Reads LINE's quota with the account's stored token: the answer, or what LINE said. */
export function ConnectionTest({ account }: { account: Pick<LineAccount, 'id'> }) {
  const { t } = useTranslation();
  const test = useMutation({
    mutationFn: () => call(api.POST('/api/v1/line-accounts/{id}/quota-sync', { params: { path: { id: account.id } } })),
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button onClick={() => test.mutate()} loading={test.isPending}>
        {t('Test the connection')}
      </Button>
      {test.data && (
        <Alert
          type="success"
          showIcon
          role="status"
          data-testid="connection-result"
          title={t('LINE answered')}
          description={t('Quota: {{quota}}; used this month: {{used}} (read {{time}})', {
            quota: test.data.quota.type === 'none' ? t('none') : String(test.data.quota.value),
            used: test.data.consumption.totalUsage,
            time: formatTime(test.data.syncedAt, 'UTC'),
          })}
        />
      )}
      <ErrorAlert error={test.error} />
    </Space>
  );
}

export function LineAccountForm({
  account,
  onSaved,
}: {
  account?: LineAccount;
  onSaved: (account: LineAccount) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<LineAccountValues>();
  const region = Form.useWatch('region', form) ?? account?.region ?? 'TW';
  const cards = useQuery({ queryKey: ['rate-cards'], queryFn: () => call(api.GET('/api/v1/rate-cards')) });
  // The plans the API prices in this region: the rate cards' plan codes.
  const plans = useMemo(
    () => [...new Set((cards.data?.items ?? []).filter((c) => c.region === region).map((c) => c.plan))],
    [cards.data, region],
  );
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z })), []);
  const save = useMutation({
    mutationFn: (values: LineAccountValues) => {
      const body = toBody(values, account);
      return account
        ? call(
            api.PATCH('/api/v1/line-accounts/{id}', {
              params: { path: { id: account.id } },
              // The document marks region and timezone required on PATCH (they have defaults); the service takes a partial update.
              body: body as UpdateBody,
            }),
          )
        : call(api.POST('/api/v1/line-accounts', { body: body as CreateBody }));
    },
    onSuccess: onSaved,
    onError: (error) => showFieldProblems(form, error),
  });
  useEffect(() => form.resetFields(), [account?.id, form]);
  const secretHint = account ? t('empty: unchanged') : undefined;
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={initialValues(account)}
      onFinish={(values) => save.mutate(values)}
      aria-label={account ? t('Edit LINE account') : t('New LINE account')}
    >
      <Divider titlePlacement="start">{t('LINE channel')}</Divider>
      <Form.Item label={t('Account name')} name="name" rules={[{ required: true, message: t('Required') }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item
        label={t('Channel id')}
        name="channelId"
        extra={account ? t('The channel id of an account does not change.') : undefined}
        rules={[{ required: !account, message: t('Required') }]}
      >
        <Input disabled={!!account} inputMode="numeric" />
      </Form.Item>
      <Form.Item
        label={t('Channel access token')}
        name="channelAccessToken"
        extra={secretHint}
        rules={[{ required: !account, message: t('Required') }]}
      >
        <Input.Password autoComplete="off" />
      </Form.Item>
      <Form.Item
        label={t('Channel secret')}
        name="channelSecret"
        extra={secretHint}
        rules={[{ required: !account, message: t('Required') }]}
      >
        <Input.Password autoComplete="off" />
      </Form.Item>
      <Form.Item
        label={t('LINE API base URL')}
        name="apiBaseUrl"
        extra={t("Empty: LINE itself; or the simulator's URL")}
      >
        <Input placeholder="https://api.line.me" />
      </Form.Item>

      <Divider titlePlacement="start">{t('Plan and region')}</Divider>
      <Space wrap align="start">
        <Form.Item label={t('Region')} name="region" rules={[{ required: true, message: t('Required') }]}>
          <Input style={{ width: 80 }} maxLength={2} />
        </Form.Item>
        <Form.Item label={t('Plan')} name="plan" rules={[{ required: true, message: t('Required') }]}>
          <Select
            aria-label={t('Plan')}
            style={{ width: 180 }}
            options={plans.map((p) => ({ value: p, label: p }))}
            notFoundContent={t('No rate card for this region')}
          />
        </Form.Item>
        <Form.Item label={t('Time zone')} name="timezone" rules={[{ required: true, message: t('Required') }]}>
          <Select aria-label={t('Time zone')} showSearch style={{ width: 220 }} options={zones} />
        </Form.Item>
      </Space>

      <Divider titlePlacement="start">{t('Budget and caps')}</Divider>
      <Form.Item
        label={t('Monthly cap ({{currency}})', { currency: account?.monthlyBudget.currency ?? 'TWD' })}
        name="monthlyBudget"
        rules={[{ required: true, message: t('Required') }]}
      >
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item label={t('Additional-message cap (messages; empty: none)')} name="additionalMessageCap">
        <InputNumber min={0} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item
        label={t('Messages a month kept for other Push traffic')}
        name="otherPushHeadroom"
        extra={t('Sent by other tools on this channel; forecasts leave them free.')}
      >
        <InputNumber min={0} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item
        label={t('Frequency cap: campaign sends per contact (empty: no cap)')}
        name="frequencyCapMessages"
        extra={t('Contacts who had this many sends in the window are left out of the next one.')}
      >
        <InputNumber min={1} max={1000} precision={0} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item label={t('Frequency cap: in any (days)')} name="frequencyCapDays">
        <InputNumber min={1} max={90} precision={0} style={{ width: '100%' }} />
      </Form.Item>

      <Divider titlePlacement="start">{t('Quiet hours')}</Divider>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t(
          "No campaign message goes out between these times, in the account's time zone: a run due then waits for them to end, one sending pauses between batches and resumes. Both empty: off.",
        )}
      </Typography.Paragraph>
      <Space wrap align="start">
        <Form.Item label={t('Quiet from (HH:MM)')} name="quietHoursStart">
          <Input style={{ width: 120 }} placeholder="21:00" maxLength={5} inputMode="numeric" />
        </Form.Item>
        <Form.Item
          label={t('Until (HH:MM)')}
          name="quietHoursEnd"
          extra={t('Earlier than the start: until the next morning')}
        >
          <Input style={{ width: 120 }} placeholder="09:00" maxLength={5} inputMode="numeric" />
        </Form.Item>
      </Space>
      <Divider titlePlacement="start">{t('Month alerts')}</Divider>
      <Form.Item
        label={t('Alert webhook URL (empty: off)')}
        name="alertsWebhookUrl"
        extra={t('Signed JSON POSTs, Slack incoming-webhook compatible.')}
      >
        <Input inputMode="url" placeholder="https://hooks.slack.com/services/…" />
      </Form.Item>
      <Form.Item
        label={t('Alert signing secret')}
        name="alertsSecret"
        extra={
          account?.alerts?.hasSecret
            ? t('Set; leave empty to keep it.')
            : t('16 to 200 characters; the key of the X-Signature-256 HMAC.')
        }
      >
        <Input.Password autoComplete="off" />
      </Form.Item>
      <Form.Item
        label={t('Alert thresholds (% of each limit)')}
        name="alertsThresholds"
        extra={t('Comma-separated, such as 80, 100.')}
      >
        <Input />
      </Form.Item>

      <ErrorAlert error={save.error} />
      <Button type="primary" htmlType="submit" loading={save.isPending}>
        {account ? t('Save') : t('Create account')}
      </Button>
      {account && (
        <>
          <Divider titlePlacement="start">{t('Connection')}</Divider>
          <Descriptions
            size="small"
            column={1}
            items={[{ key: 'webhook', label: t('Webhook URL'), children: <WebhookUrl account={account} /> }]}
          />
          <ConnectionTest account={account} />
        </>
      )}
    </Form>
  );
}
