import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call, request } from '../api/client';
import type { LineAccount } from '../api/types';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { formatMoney, formatTime } from '../format';
import { LineAccountForm, WebhookUrl } from '../components/LineAccountForm';
import { ErrorAlert, PageTitle, Reason } from '../components/common';

export default function AdminPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  if (!can('admin')) return <Reason>{t('Only admins manage accounts, users, rate cards and budgets.')}</Reason>;
  return (
    <>
      <PageTitle>{t('Admin')}</PageTitle>
      <Tabs
        items={[
          { key: 'accounts', label: t('LINE accounts and budgets'), children: <Accounts /> },
          { key: 'users', label: t('Users and roles'), children: <Users /> },
          { key: 'rates', label: t('Rate cards'), children: <RateCards /> },
        ]}
      />
    </>
  );
}

function Accounts() {
  const { t } = useTranslation();
  const { accounts, select } = useAccount();
  const queryClient = useQueryClient();
  // null: closed; 'new': the create form; else the account being edited.
  const [editing, setEditing] = useState<LineAccount | 'new' | null>(null);
  const saved = (account: LineAccount) => {
    void queryClient.invalidateQueries({ queryKey: ['line-accounts'] });
    void queryClient.invalidateQueries({ queryKey: ['usage'] });
    void queryClient.invalidateQueries({ queryKey: ['forecast'] });
    // A new account stays open in its edit form: its webhook URL and the connection test are there.
    if (editing === 'new') {
      select(account.id);
      setEditing(account);
    } else setEditing(null);
  };
  return (
    <>
      <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setEditing('new')}>
        {t('New LINE account')}
      </Button>
      <Table
        rowKey="id"
        dataSource={accounts}
        pagination={false}
        columns={[
          {
            title: t('Name'),
            render: (_, a) => (
              <>
                {a.name} {a.isSandbox && <Tag>{t('sandbox')}</Tag>}
              </>
            ),
          },
          { title: t('Plan'), render: (_, a) => `${a.region} ${a.plan}` },
          { title: t('Monthly cap'), render: (_, a) => formatMoney(a.monthlyBudget) },
          { title: t('Additional-message cap'), render: (_, a) => a.additionalMessageCap ?? t('none') },
          { title: t('Time zone'), dataIndex: 'timezone' },
          { title: t('Webhook URL'), render: (_, a) => <WebhookUrl account={a} /> },
          {
            title: t('Action'),
            render: (_, a) => (
              <Button size="small" onClick={() => setEditing(a)} aria-label={t('Edit {{name}}', { name: a.name })}>
                {t('Edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        title={editing === 'new' ? t('New LINE account') : t('LINE account {{name}}', { name: editing?.name })}
        onCancel={() => setEditing(null)}
        footer={null}
        width={640}
        destroyOnHidden
      >
        {editing && (
          <LineAccountForm
            key={editing === 'new' ? 'new' : editing.id}
            account={editing === 'new' ? undefined : editing}
            onSaved={saved}
          />
        )}
      </Modal>
    </>
  );
}

function Users() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => call(api.GET('/api/v1/users', { params: { query: { limit: 100 } } })),
  });
  const [invite, setInvite] = useState<{ url: string; expiresAt: string } | null>(null);
  const create = useMutation({
    mutationFn: (values: { email: string; name: string; role: 'admin' | 'marketer' | 'approver'; password?: string }) =>
      call(api.POST('/api/v1/users', { body: values })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  const change = useMutation({
    mutationFn: ({
      id,
      ...body
    }: {
      id: string;
      version: number;
      role?: 'admin' | 'marketer' | 'approver';
      active?: boolean;
    }) => call(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  const inviteLink = useMutation({
    mutationFn: (id: string) => request<{ url: string; expiresAt: string }>('POST', `/api/v1/users/${id}/invites`),
    onSuccess: setInvite,
  });
  return (
    <>
      <ErrorAlert error={users.error ?? change.error ?? inviteLink.error} />
      <Table
        rowKey="id"
        size="small"
        dataSource={users.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Email'), dataIndex: 'email' },
          {
            title: t('Role'),
            render: (_, u) => (
              <Select
                size="small"
                aria-label={t('Role of {{name}}', { name: u.name })}
                value={u.role}
                style={{ width: 120 }}
                onChange={(role: 'admin' | 'marketer' | 'approver') =>
                  change.mutate({ id: u.id, version: u.version, role })
                }
                options={(['admin', 'marketer', 'approver'] as const).map((r) => ({ value: r, label: t(`role.${r}`) }))}
              />
            ),
          },
          {
            title: t('Active'),
            render: (_, u) => (
              <Switch
                size="small"
                aria-label={t('{{name}} is active', { name: u.name })}
                checked={u.active}
                onChange={(active) => change.mutate({ id: u.id, version: u.version, active })}
              />
            ),
          },
          {
            title: t('Invite'),
            render: (_, u) => (
              <Button size="small" onClick={() => inviteLink.mutate(u.id)}>
                {t('One-time invite link')}
              </Button>
            ),
          },
        ]}
      />
      {invite && (
        <Card size="small" style={{ marginTop: 12 }}>
          <Typography.Text copyable={{ text: `${window.location.origin}${invite.url}` }}>
            {t('Invite link (until {{time}})', { time: formatTime(invite.expiresAt, 'UTC') })}:{' '}
            <code>{`${window.location.origin}${invite.url}`}</code>
          </Typography.Text>
        </Card>
      )}
      <Card title={t('New user')} size="small" style={{ marginTop: 16, maxWidth: 520 }}>
        <Form layout="vertical" onFinish={(values: Parameters<typeof create.mutate>[0]) => create.mutate(values)}>
          <Form.Item label={t('Email')} name="email" rules={[{ required: true }]}>
            <Input type="email" />
          </Form.Item>
          <Form.Item label={t('Name')} name="name" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('Role')} name="role" initialValue="marketer">
            <Select
              aria-label={t('Role')}
              options={(['admin', 'marketer', 'approver'] as const).map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('Initial password (optional, 12+ characters)')} name="password">
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <ErrorAlert error={create.error} />
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t('Create user')}
          </Button>
        </Form>
      </Card>
    </>
  );
}

interface BandDraft {
  upTo: number | null;
  unitPrice: string;
}

export interface BandProblem {
  band: number; // 0-based
  field: 'upTo' | 'unitPrice';
  /** English text, also the zh-TW key; `{{n}}` is the band's number and `{{previous}}` the limit it must pass. */
  problem: string;
  previous?: number;
}

/**
 * Problems of a band list as typed, each on the field it belongs to: each limit above the last
 * (contiguous: a band starts where the one before ended), the last open, prices decimal. The
 * service checks again on save.
 */
export function bandProblems(bands: BandDraft[]): BandProblem[] {
  const problems: BandProblem[] = [];
  bands.forEach((band, i) => {
    if (!/^\d+(\.\d{1,6})?$/.test(band.unitPrice))
      problems.push({
        band: i,
        field: 'unitPrice',
        problem: 'Must be a decimal number such as 0.2 (up to 6 decimals)',
      });
    const last = i === bands.length - 1;
    if (last && band.upTo !== null)
      problems.push({ band: i, field: 'upTo', problem: 'The last band must be open (leave it empty)' });
    if (!last && band.upTo === null)
      problems.push({ band: i, field: 'upTo', problem: 'Only the last band may be open: give a limit' });
    const previous = i > 0 ? bands[i - 1].upTo : 0;
    if (band.upTo !== null && previous !== null && band.upTo <= previous)
      problems.push({ band: i, field: 'upTo', problem: 'Must be above {{previous}}, the limit before it', previous });
  });
  return problems;
}

export function RateCards() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const cards = useQuery({ queryKey: ['rate-cards'], queryFn: () => call(api.GET('/api/v1/rate-cards')) });
  const [bands, setBands] = useState<BandDraft[]>([{ upTo: null, unitPrice: '0.2' }]);
  const create = useMutation({
    mutationFn: (values: Record<string, unknown>) =>
      call(api.POST('/api/v1/rate-cards', { body: { ...values, tiers: bands, verified: false } as never })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['rate-cards'] }),
  });
  const problems = bandProblems(bands);
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        dataSource={cards.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('Region'), dataIndex: 'region' },
          { title: t('Plan'), dataIndex: 'plan' },
          { title: t('Monthly fee'), render: (_, c) => formatMoney({ amount: c.monthlyFee, currency: c.currency }) },
          { title: t('Free messages'), dataIndex: 'freeMessages' },
          {
            title: t('Bands'),
            render: (_, c) =>
              c.tiers
                .map(
                  (b) =>
                    `≤${b.upTo ?? '∞'}: ${formatMoney({ amount: b.unitPrice, currency: c.currency }, { unitPrice: true })}`,
                )
                .join(' · '),
          },
          { title: t('From'), dataIndex: 'effectiveFrom' },
          {
            title: t('Verified'),
            render: (_, c) => (c.verified ? <Tag color="green">{t('yes')}</Tag> : <Tag color="orange">{t('no')}</Tag>),
          },
        ]}
      />
      <Card title={t('New rate card')} size="small" style={{ marginTop: 16, maxWidth: 640 }}>
        <Form
          layout="vertical"
          initialValues={{ region: 'TW', currency: 'TWD', additionalAllowed: true, source: '' }}
          onFinish={(values: Record<string, unknown>) => create.mutate(values)}
        >
          <Space wrap>
            <Form.Item label={t('Region')} name="region" rules={[{ required: true }]}>
              <Input style={{ width: 80 }} />
            </Form.Item>
            <Form.Item label={t('Plan')} name="plan" rules={[{ required: true }]}>
              <Input style={{ width: 120 }} />
            </Form.Item>
            <Form.Item label={t('Currency')} name="currency" rules={[{ required: true }]}>
              <Input style={{ width: 80 }} />
            </Form.Item>
            <Form.Item label={t('Monthly fee')} name="monthlyFee" rules={[{ required: true }]}>
              <Input style={{ width: 100 }} />
            </Form.Item>
            <Form.Item label={t('Free messages')} name="freeMessages" rules={[{ required: true }]}>
              <InputNumber min={0} />
            </Form.Item>
            <Form.Item label={t('Effective from')} name="effectiveFrom" rules={[{ required: true }]}>
              <Input type="date" />
            </Form.Item>
            <Form.Item label={t('Additional messages allowed')} name="additionalAllowed" valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
          <Form.Item label={t('Source')} name="source" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Typography.Text strong>{t('Bands (additional messages in the month)')}</Typography.Text>
          {bands.map((band, i) => {
            const problemOf = (field: BandProblem['field']) => {
              const found = problems.find((p) => p.band === i && p.field === field);
              return found ? t(found.problem, { previous: found.previous }) : undefined;
            };
            const upToProblem = problemOf('upTo');
            const priceProblem = problemOf('unitPrice');
            return (
              <Space key={i} align="start" style={{ display: 'flex', marginTop: 6 }} data-testid={`band-${i + 1}`}>
                <Form.Item
                  style={{ marginBottom: 0 }}
                  validateStatus={upToProblem ? 'error' : undefined}
                  help={upToProblem}
                >
                  <InputNumber
                    aria-label={t('Band {{n}} up to', { n: i + 1 })}
                    aria-invalid={!!upToProblem}
                    placeholder={t('open')}
                    min={1}
                    value={band.upTo}
                    onChange={(upTo) => setBands(bands.map((b, j) => (j === i ? { ...b, upTo: upTo ?? null } : b)))}
                  />
                </Form.Item>
                <Form.Item
                  style={{ marginBottom: 0 }}
                  validateStatus={priceProblem ? 'error' : undefined}
                  help={priceProblem}
                >
                  <Input
                    aria-label={t('Band {{n}} unit price', { n: i + 1 })}
                    aria-invalid={!!priceProblem}
                    value={band.unitPrice}
                    style={{ width: 120 }}
                    onChange={(e) => setBands(bands.map((b, j) => (j === i ? { ...b, unitPrice: e.target.value } : b)))}
                  />
                </Form.Item>
                <Button
                  size="small"
                  disabled={bands.length === 1}
                  onClick={() => setBands(bands.filter((_, j) => j !== i))}
                >
                  {t('Remove band')}
                </Button>
              </Space>
            );
          })}
          <Button
            size="small"
            type="dashed"
            style={{ marginTop: 6 }}
            onClick={() =>
              setBands(
                [{ upTo: null, unitPrice: '0' }, ...bands].sort((a, b) => (a.upTo ?? Infinity) - (b.upTo ?? Infinity)),
              )
            }
          >
            + {t('Add band')}
          </Button>
          <ErrorAlert error={create.error} />
          <div style={{ marginTop: 12 }}>
            <Button type="primary" htmlType="submit" disabled={problems.length > 0} loading={create.isPending}>
              {t('Save rate card')}
            </Button>
          </div>
        </Form>
      </Card>
    </>
  );
}
