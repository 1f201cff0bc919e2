import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Progress, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call, upload, type Schemas } from '../api/client';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { formatNumber, formatTime } from '../format';
import { AttributeFilter, type AttributeCondition } from '../components/AttributeFilter';
import { ErrorAlert, NoAccount, PageTitle, Reason } from '../components/common';

const PAGE = 50;

export default function ContactsPage() {
  const { t, i18n } = useTranslation();
  const { account } = useAccount();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [tag, setTag] = useState('');
  const [status, setStatus] = useState<string | undefined>();
  const [attribute, setAttribute] = useState<AttributeCondition | null>(null);
  // Cursor paging: the cursors of the pages before this one, so "previous" needs no offset scan.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const contacts = useQuery({
    queryKey: ['contacts', account?.id, tag, status, attribute, cursor],
    enabled: !!account,
    placeholderData: keepPreviousData,
    queryFn: () =>
      call(
        api.GET('/api/v1/line-accounts/{id}/contacts', {
          params: {
            path: { id: account!.id },
            query: {
              limit: PAGE,
              ...(cursor ? { cursor } : {}),
              ...(tag ? { tag } : {}),
              ...(status ? { status } : {}),
              ...(attribute ?? {}),
            } as never,
          },
        }),
      ),
  });
  const [progress, setProgress] = useState<number | null>(null);
  // The import's own id: its progress on the server (reading, then writing) is polled while it runs.
  const [importId, setImportId] = useState<string | null>(null);
  const importCsv = useMutation({
    mutationFn: (file: File) => {
      const id = crypto.randomUUID();
      setImportId(id);
      return upload<Schemas['ContactImportResponseDto']>(
        `/api/v1/line-accounts/${account!.id}/contacts/import?importId=${id}`,
        file,
        'text/csv',
        setProgress,
      );
    },
    onSettled: () => {
      setProgress(null);
      setImportId(null);
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
  const importProgress = useQuery({
    queryKey: ['contact-import', account?.id, importId],
    enabled: !!account && !!importId && progress === 1,
    queryFn: () =>
      call(
        api.GET('/api/v1/line-accounts/{id}/contacts/import/{importId}', {
          params: { path: { id: account!.id, importId: importId! } },
        }),
      ),
    retry: false,
    refetchInterval: 1_000,
  });
  const serverProgress = importCsv.isPending && progress === 1 ? importProgress.data : undefined;
  // The import runs on the server as a job (202); its progress is polled until it ends.
  const followers = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/line-accounts/{id}/followers-import', { params: { path: { id: account!.id } } })),
  });
  const jobId = followers.data?.id;
  const followersJob = useQuery({
    queryKey: ['followers-import', account?.id, jobId],
    enabled: !!account && !!jobId,
    queryFn: async () => {
      const job = await call(
        api.GET('/api/v1/line-accounts/{id}/followers-import/{jobId}', {
          params: { path: { id: account!.id, jobId: jobId! } },
        }),
      );
      if (job.state !== 'running') void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      return job;
    },
    refetchInterval: (query) =>
      query.state.data?.state === 'completed' || query.state.data?.state === 'failed' ? false : 1_000,
  });
  const job = followersJob.data ?? followers.data;
  if (!account) return <NoAccount />;
  const mayWrite = can('marketer', 'admin');
  const resetPaging = () => setCursors([undefined]);
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <>
      <PageTitle>{t('Contacts')}</PageTitle>
      <Card title={t('Import')} size="small" style={{ marginBottom: 16 }}>
        {mayWrite ? (
          <Space wrap align="start">
            <Upload
              accept=".csv,text/csv"
              showUploadList={false}
              beforeUpload={(file) => {
                importCsv.mutate(file);
                return false;
              }}
            >
              <Button loading={importCsv.isPending}>{t('Import a CSV file')}</Button>
            </Upload>
            <Button onClick={() => followers.mutate()} loading={followers.isPending || job?.state === 'running'}>
              {t('Import followers from LINE')}
            </Button>
            <Typography.Text type="secondary">
              {t('Header: lineUserId, displayName, tags (separated by |), then attribute columns')}
            </Typography.Text>
          </Space>
        ) : (
          <Reason>{t('Marketers and admins import contacts.')}</Reason>
        )}
        {progress !== null && (
          <Progress percent={Math.round(progress * 100)} aria-label={t('Upload progress')} style={{ marginTop: 8 }} />
        )}
        {importCsv.isPending && progress === 1 && serverProgress?.state === 'writing' && serverProgress.rowsToWrite ? (
          <>
            <Progress
              percent={Math.floor((serverProgress.rowsWritten / serverProgress.rowsToWrite) * 100)}
              aria-label={t('Writing progress')}
            />
            <Typography.Text>
              {t('Writing {{written}} of {{total}} rows', {
                written: n(serverProgress.rowsWritten),
                total: n(serverProgress.rowsToWrite),
              })}
            </Typography.Text>
          </>
        ) : importCsv.isPending && progress === 1 && serverProgress?.state === 'reading' ? (
          <Typography.Text>
            {t('Reading the file: {{rows}} rows so far', { rows: n(serverProgress.rowsRead) })}
          </Typography.Text>
        ) : (
          importCsv.isPending &&
          progress === 1 && <Typography.Text>{t('The service is writing the rows…')}</Typography.Text>
        )}
        {importCsv.data && (
          <Alert
            style={{ marginTop: 8 }}
            type={importCsv.data.rejectedCount ? 'warning' : 'success'}
            title={t('{{rows}} rows: {{created}} created, {{updated}} updated, {{rejected}} rejected', {
              rows: n(importCsv.data.rows),
              created: n(importCsv.data.created),
              updated: n(importCsv.data.updated),
              rejected: n(importCsv.data.rejectedCount),
            })}
            description={
              importCsv.data.rejected.length > 0 && (
                <Table
                  size="small"
                  rowKey="line"
                  pagination={{ pageSize: 10 }}
                  dataSource={importCsv.data.rejected}
                  columns={[
                    { title: t('Line'), dataIndex: 'line' },
                    { title: t('Problem'), dataIndex: 'problem' },
                  ]}
                  footer={
                    importCsv.data.rejectedTruncated ? () => t('Only the first rejected rows are listed.') : undefined
                  }
                />
              )
            }
          />
        )}
        {job && (
          <Alert
            style={{ marginTop: 8 }}
            type={job.state === 'failed' ? 'error' : job.state === 'running' ? 'info' : 'success'}
            title={
              job.state === 'running'
                ? t('Importing followers: {{followers}} so far', { followers: n(job.idsSeen) })
                : t('{{followers}} followers: {{created}} new, {{updated}} updated', {
                    followers: n(job.idsSeen),
                    created: n(job.created),
                    updated: n(job.updated),
                  })
            }
            description={job.error ?? undefined}
          />
        )}
        <ErrorAlert error={importCsv.error ?? followers.error ?? followersJob.error} />
      </Card>
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search
          aria-label={t('Tag')}
          placeholder={t('Tag')}
          allowClear
          onSearch={(value) => {
            setTag(value.trim());
            resetPaging();
          }}
          style={{ width: 200 }}
        />
        <Select
          aria-label={t('Status')}
          allowClear
          placeholder={t('Every status')}
          style={{ width: 160 }}
          value={status}
          onChange={(value?: string) => {
            setStatus(value);
            resetPaging();
          }}
          options={['following', 'blocked', 'unfollowed'].map((s) => ({ value: s, label: t(`contact.${s}`) }))}
        />
        <AttributeFilter
          onChange={(condition) => {
            setAttribute(condition);
            resetPaging();
          }}
        />
      </Space>
      <ErrorAlert error={contacts.error} />
      <Table
        rowKey="id"
        size="small"
        loading={contacts.isFetching}
        dataSource={contacts.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('LINE user id'), dataIndex: 'lineUserId', render: (v: string) => <code>{v}</code> },
          { title: t('Name'), dataIndex: 'displayName' },
          { title: t('Status'), render: (_, c) => <Tag>{t(`contact.${c.status}`)}</Tag> },
          { title: t('Tags'), render: (_, c) => c.tags.map((tg) => <Tag key={tg}>{tg}</Tag>) },
          {
            title: t('Attributes'),
            render: (_, c) => (
              <Typography.Text style={{ fontSize: 12 }}>
                {Object.entries(c.attributes as Record<string, unknown>)
                  .map(([k, v]) => `${k}=${String(v)}`)
                  .join(', ')}
              </Typography.Text>
            ),
          },
          { title: t('Last interaction'), render: (_, c) => formatTime(c.lastInteractionAt, account.timezone) },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('Previous page')}
        </Button>
        <Button
          disabled={!contacts.data?.nextCursor}
          onClick={() => setCursors((c) => [...c, contacts.data!.nextCursor ?? undefined])}
        >
          {t('Next page')}
        </Button>
        <Typography.Text type="secondary">{t('Page {{n}}', { n: cursors.length })}</Typography.Text>
      </Space>
    </>
  );
}
