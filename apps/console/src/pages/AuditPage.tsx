import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Input, Select, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { formatTime } from '../format';
import { ErrorAlert, NoAccount, PageTitle } from '../components/common';

export default function AuditPage() {
  const { t } = useTranslation();
  const { account } = useAccount();
  const { can } = useAuth();
  const [campaignId, setCampaignId] = useState<string | undefined>();
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const campaigns = useQuery({
    queryKey: ['campaigns', account?.id],
    enabled: !!account,
    queryFn: () =>
      call(api.GET('/api/v1/campaigns', { params: { query: { lineAccountId: account!.id, limit: 100 } } })),
  });
  const users = useQuery({
    queryKey: ['users'],
    enabled: can('admin'),
    queryFn: () => call(api.GET('/api/v1/users', { params: { query: { limit: 100 } } })),
  });
  const chosen = campaignId ?? campaigns.data?.items[0]?.id;
  const audit = useQuery({
    queryKey: ['campaign-audit', chosen],
    enabled: !!chosen,
    queryFn: () => call(api.GET('/api/v1/campaigns/{id}/audit', { params: { path: { id: chosen! } } })),
  });
  if (!account) return <NoAccount />;
  const nameOf = (id: string | null) =>
    id === null ? t('the system') : (users.data?.items.find((u) => u.id === id)?.name ?? id.slice(0, 8));
  const rows = (audit.data?.items ?? []).filter(
    (e) =>
      (!action || e.action.includes(action)) &&
      (!actor || nameOf(e.actorId).toLowerCase().includes(actor.toLowerCase())),
  );
  return (
    <>
      <PageTitle>{t('Audit log')}</PageTitle>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('Campaign')}
          style={{ width: 260 }}
          value={chosen}
          onChange={setCampaignId}
          options={(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
          placeholder={t('Campaign')}
        />
        <Input
          aria-label={t('Action')}
          placeholder={t('Action')}
          value={action}
          onChange={(e) => setAction(e.target.value)}
        />
        <Input
          aria-label={t('Actor')}
          placeholder={t('Actor')}
          value={actor}
          onChange={(e) => setActor(e.target.value)}
        />
      </Space>
      <ErrorAlert error={audit.error} />
      <Table
        rowKey="id"
        size="small"
        loading={audit.isLoading}
        dataSource={rows}
        pagination={{ pageSize: 50 }}
        expandable={{
          expandedRowRender: (e) => (
            <Card size="small" title={t('Recorded state (with the forecast snapshot behind the decision)')}>
              <pre style={{ fontSize: 12, maxHeight: 400, overflow: 'auto' }}>
                {JSON.stringify(e.after ?? e.before, null, 2)}
              </pre>
            </Card>
          ),
        }}
        columns={[
          { title: t('Time'), render: (_, e) => formatTime(e.createdAt, account.timezone) },
          { title: t('Action'), render: (_, e) => <Tag>{e.action}</Tag> },
          { title: t('Actor'), render: (_, e) => nameOf(e.actorId) },
          { title: t('Reason'), dataIndex: 'reason' },
        ]}
      />
    </>
  );
}
