import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { formatTime } from '../format';
import { ErrorAlert, PageTitle, Reason } from '../components/common';

const ENTITY_TYPES = ['campaign', 'audience', 'line_account', 'rate_card', 'user'] as const;

export default function AuditPage() {
  const { t } = useTranslation();
  const { account } = useAccount();
  const { can } = useAuth();
  const [entityType, setEntityType] = useState<string | undefined>();
  const [action, setAction] = useState('');
  const [actorId, setActorId] = useState<string | undefined>();
  const [actorName, setActorName] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const users = useQuery({
    queryKey: ['users'],
    enabled: can('admin'),
    queryFn: () => call(api.GET('/api/v1/users', { params: { query: { limit: 100 } } })),
  });
  const audit = useQuery({
    queryKey: ['audit', entityType, action, actorId, cursor],
    enabled: can('admin', 'approver'),
    placeholderData: keepPreviousData,
    queryFn: () =>
      call(
        api.GET('/api/v1/audit', {
          params: {
            query: {
              limit: 100,
              ...(cursor ? { cursor } : {}),
              ...(entityType ? { entityType } : {}),
              ...(action ? { action } : {}),
              ...(actorId ? { actorId } : {}),
            } as never,
          },
        }),
      ),
  });
  if (!can('admin', 'approver'))
    return (
      <>
        <PageTitle>{t('Audit log')}</PageTitle>
        <Reason>{t("Admins and approvers read the audit log; a campaign's own history is on its page.")}</Reason>
      </>
    );
  const tz = account?.timezone ?? 'UTC';
  const restart = () => setCursors([undefined]);
  const rows = (audit.data?.items ?? []).filter(
    (e) => !actorName || (e.actor?.name ?? t('the system')).toLowerCase().includes(actorName.toLowerCase()),
  );
  const linkOf = (type: string, id: string) =>
    type === 'campaign' ? `/campaigns/${id}` : type === 'audience' ? `/audiences/${id}` : null;
  return (
    <>
      <PageTitle>{t('Audit log')}</PageTitle>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('Entity')}
          allowClear
          placeholder={t('Every entity')}
          style={{ width: 180 }}
          value={entityType}
          onChange={(value?: string) => {
            setEntityType(value);
            restart();
          }}
          options={ENTITY_TYPES.map((type) => ({ value: type, label: t(`entity.${type}`) }))}
        />
        <Input.Search
          aria-label={t('Action')}
          placeholder="campaign.approved"
          allowClear
          onSearch={(value) => {
            setAction(value.trim());
            restart();
          }}
          style={{ width: 220 }}
        />
        {can('admin') ? (
          <Select
            aria-label={t('Actor')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('Every actor')}
            style={{ width: 220 }}
            value={actorId}
            onChange={(value?: string) => {
              setActorId(value);
              restart();
            }}
            options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))}
          />
        ) : (
          <Input
            aria-label={t('Actor')}
            placeholder={t('Actor name')}
            value={actorName}
            onChange={(e) => setActorName(e.target.value)}
            style={{ width: 200 }}
          />
        )}
      </Space>
      <ErrorAlert error={audit.error} />
      <Table
        rowKey="id"
        size="small"
        loading={audit.isFetching}
        dataSource={rows}
        pagination={false}
        expandable={{
          expandedRowRender: (e) => (
            <Card size="small" title={t('Recorded state (with the forecast snapshot behind the decision)')}>
              <pre style={{ fontSize: 12, maxHeight: 400, overflow: 'auto', margin: 0 }}>
                {JSON.stringify({ before: e.before, after: e.after }, null, 2)}
              </pre>
            </Card>
          ),
        }}
        columns={[
          { title: t('Time'), render: (_, e) => formatTime(e.createdAt, tz) },
          {
            title: t('Action'),
            // In words; a code the console has no words for yet is shown as it is.
            render: (_, e) => <Tag title={e.action}>{t(`auditAction.${e.action}`, { defaultValue: e.action })}</Tag>,
          },
          {
            title: t('Entity'),
            render: (_, e) => {
              const to = linkOf(e.entityType, e.entityId);
              // The API's current name for it; the id's start only when the entity is gone.
              const label = `${t(`entity.${e.entityType}`)} ${e.entityName ?? e.entityId.slice(0, 8)}`;
              return to ? <Link to={to}>{label}</Link> : label;
            },
          },
          {
            title: t('Actor'),
            render: (_, e) =>
              e.actor ? e.actor.name : <Typography.Text type="secondary">{t('the system')}</Typography.Text>,
          },
          { title: t('Reason'), dataIndex: 'reason' },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('Previous page')}
        </Button>
        <Button
          disabled={!audit.data?.nextCursor}
          onClick={() => setCursors((c) => [...c, audit.data!.nextCursor ?? undefined])}
        >
          {t('Next page')}
        </Button>
      </Space>
    </>
  );
}
