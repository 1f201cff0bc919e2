import { useMutation, useQuery, useQueries, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Empty, Space } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import type { Run } from '../api/types';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { CampaignActions } from '../components/CampaignActions';
import { RunsTable } from '../components/RunsTable';
import { ErrorAlert, NoAccount, PageTitle, Reason } from '../components/common';

const ACTIVE = ['approved', 'sending', 'paused', 'blocked', 'failed', 'completed'];

export default function RunsPage() {
  const { t } = useTranslation();
  const { account } = useAccount();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const campaigns = useQuery({
    queryKey: ['campaigns', account?.id, 'runs'],
    enabled: !!account,
    refetchInterval: 3_000,
    queryFn: () =>
      call(api.GET('/api/v1/campaigns', { params: { query: { lineAccountId: account!.id, limit: 100 } } })),
  });
  const items = (campaigns.data?.items ?? []).filter((c) => ACTIVE.includes(c.status));
  const runs = useQueries({
    queries: items.map((c) => ({
      queryKey: ['runs', c.id],
      refetchInterval: 2_000,
      queryFn: () => call(api.GET('/api/v1/campaigns/{id}/runs', { params: { path: { id: c.id } } })),
    })),
  });
  const retry = useMutation({
    mutationFn: (run: Run) => call(api.POST('/api/v1/runs/{id}/retry', { params: { path: { id: run.id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['runs'] }),
  });
  const sync = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/line-accounts/{id}/quota-sync', { params: { path: { id: account!.id } } })),
  });
  if (!account) return <NoAccount />;
  /** The action that clears a blocked run's reason, for who may take it. */
  const clearing = (run: Run) => {
    if (run.status !== 'blocked' && run.status !== 'failed') return null;
    const codes = new Set(run.blockReasons.map((r) => r.code));
    return (
      <Space orientation="vertical" size={4}>
        {codes.has('over_budget') &&
          (can('admin') ? (
            <Link to="/admin">{t('Raise the monthly cap')}</Link>
          ) : (
            <Reason>{t('An admin raises the monthly cap.')}</Reason>
          ))}
        {codes.has('over_plan_limit') &&
          (can('admin') ? (
            <Link to="/admin">{t('Change the plan')}</Link>
          ) : (
            <Reason>{t('An admin changes the plan.')}</Reason>
          ))}
        {codes.has('over_line_cap') && <Reason>{t("Raise the additional-message cap in LINE's console.")}</Reason>}
        {codes.has('quota_unknown') &&
          (can('admin') ? (
            <Button size="small" onClick={() => sync.mutate()} loading={sync.isPending}>
              {t('Read LINE now')}
            </Button>
          ) : (
            <Reason>{t('An admin reads LINE again.')}</Reason>
          ))}
        {codes.has('needs_reapproval') && (
          <Reason>{t('The cost grew: submit the campaign for approval again.')}</Reason>
        )}
        {can('approver', 'admin') ? (
          <Button size="small" onClick={() => retry.mutate(run)} loading={retry.isPending}>
            {t('Retry the run')}
          </Button>
        ) : (
          <Reason>{t('An approver or an admin retries it.')}</Reason>
        )}
      </Space>
    );
  };
  return (
    <>
      <PageTitle>{t('Runs')}</PageTitle>
      <ErrorAlert error={campaigns.error ?? retry.error ?? sync.error} />
      {items.length === 0 && !campaigns.isLoading && <Empty description={t('No run yet')} />}
      <Space orientation="vertical" style={{ width: '100%' }}>
        {items.map((campaign, i) => (
          <Card key={campaign.id} size="small" title={<Link to={`/campaigns/${campaign.id}`}>{campaign.name}</Link>}>
            <CampaignActions campaign={campaign} />
            <div style={{ marginTop: 12 }}>
              <RunsTable runs={runs[i]?.data?.items ?? []} timeZone={account.timezone} action={clearing} />
            </div>
          </Card>
        ))}
      </Space>
    </>
  );
}
