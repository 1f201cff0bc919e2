import { useQuery } from '@tanstack/react-query';
import { Button, Select, Table, Tag } from 'antd';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call, type Schemas } from '../api/client';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { formatTime } from '../format';
import { ErrorAlert, NoAccount, PageTitle, Reason } from '../components/common';

// Keyed by the API's own status type (generated from its OpenAPI document), so a status added to or
// removed from the API fails the console's type check instead of silently missing from the filter.
const STATUS_FILTER: Record<Schemas['CampaignResponseDto']['status'], true> = {
  draft: true,
  pending_approval: true,
  approved: true,
  sending: true,
  paused: true,
  completed: true,
  cancelled: true,
  blocked: true,
  failed: true,
};
export const CAMPAIGN_STATUSES = Object.keys(STATUS_FILTER) as Schemas['CampaignResponseDto']['status'][];

export default function CampaignsPage() {
  const { t } = useTranslation();
  const { account } = useAccount();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const status = search.get('status') ?? undefined;
  const campaigns = useQuery({
    queryKey: ['campaigns', account?.id, status],
    enabled: !!account,
    queryFn: () =>
      call(
        api.GET('/api/v1/campaigns', {
          params: { query: { lineAccountId: account!.id, limit: 100, ...(status ? { status } : {}) } as never },
        }),
      ),
  });
  if (!account) return <NoAccount />;
  return (
    <>
      <PageTitle
        extra={
          <>
            <Select
              aria-label={t('Status')}
              allowClear
              placeholder={t('Every status')}
              style={{ width: 200 }}
              value={status}
              onChange={(value?: string) => setSearch(value ? { status: value } : {})}
              options={CAMPAIGN_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            />
            {can('marketer', 'admin') ? (
              <Button type="primary" onClick={() => void navigate('/campaigns/new')}>
                {t('New campaign')}
              </Button>
            ) : (
              <Reason>{t('Marketers write campaigns.')}</Reason>
            )}
          </>
        }
      >
        {t('Campaigns')}
      </PageTitle>
      <ErrorAlert error={campaigns.error} />
      <Table
        rowKey="id"
        loading={campaigns.isLoading}
        dataSource={campaigns.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('Name'), render: (_, c) => <Link to={`/campaigns/${c.id}`}>{c.name}</Link> },
          { title: t('Status'), render: (_, c) => <Tag>{t(`status.${c.status}`)}</Tag> },
          {
            title: t('Schedule'),
            render: (_, c) =>
              c.schedule?.cron
                ? `cron ${c.schedule.cron}`
                : c.schedule?.at
                  ? formatTime(c.schedule.at, account.timezone)
                  : t('Send now'),
          },
          { title: t('Changed'), render: (_, c) => formatTime(c.updatedAt, account.timezone) },
        ]}
      />
    </>
  );
}
