import { useQuery } from '@tanstack/react-query';
import { Button, Table } from 'antd';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { formatTime } from '../format';
import { ErrorAlert, NoAccount, PageTitle, Reason } from '../components/common';

export default function AudiencesPage() {
  const { t } = useTranslation();
  const { account } = useAccount();
  const { can } = useAuth();
  const navigate = useNavigate();
  const audiences = useQuery({
    queryKey: ['audiences', account?.id],
    enabled: !!account,
    queryFn: () =>
      call(api.GET('/api/v1/audiences', { params: { query: { lineAccountId: account!.id, limit: 100 } } })),
  });
  if (!account) return <NoAccount />;
  const mayWrite = can('marketer', 'admin');
  return (
    <>
      <PageTitle
        extra={
          mayWrite ? (
            <Button type="primary" onClick={() => void navigate('/audiences/new')}>
              {t('New audience')}
            </Button>
          ) : (
            <Reason>{t('Marketers and admins create audiences.')}</Reason>
          )
        }
      >
        {t('Audiences')}
      </PageTitle>
      <ErrorAlert error={audiences.error} />
      <Table
        rowKey="id"
        loading={audiences.isLoading}
        dataSource={audiences.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('Name'), render: (_, a) => <Link to={`/audiences/${a.id}`}>{a.name}</Link> },
          { title: t('Changed'), render: (_, a) => formatTime(a.updatedAt, account.timezone) },
        ]}
      />
    </>
  );
}
