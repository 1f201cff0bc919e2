import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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

export default function RunsPage() {
  const { t } = useTranslation();
  const { account } = useAccount();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  // Every campaign's runs in one request; the campaigns (one more) for their names and actions.
  const runs = useQuery({
    queryKey: ['runs', 'account', account?.id],
    enabled: !!account,
    refetchInterval: 2_000,
    queryFn: () => call(api.GET('/api/v1/runs', { params: { query: { lineAccountId: account!.id, limit: 200 } } })),
  });
  const campaigns = useQuery({
    queryKey: ['campaigns', account?.id, 'runs'],
    enabled: !!account,
    refetchInterval: 3_000,
    queryFn: () =>
      call(api.GET('/api/v1/campaigns', { params: { query: { lineAccountId: account!.id, limit: 100 } } })),
  });
  // Campaigns in the order of their newest run, each with its runs (newest first, as the API lists them).
  const groups = new Map<string, Run[]>();
  for (const run of runs.data?.items ?? []) groups.set(run.campaignId, [...(groups.get(run.campaignId) ?? []), run]);
  const campaignOf = (id: string) => campaigns.data?.items.find((c) => c.id === id);
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
    // over_budget is either the account's monthly budget (PATCH the account) or the campaign's own
    // cost cap (withdraw it and raise costCap): the reason's clearedBy says which, or both.
    const overBudget = run.blockReasons.filter((r) => r.code === 'over_budget');
    const byCostCap = overBudget.some((r) => r.clearedBy?.includes('/withdraw'));
    const byMonthlyCap = overBudget.some((r) => !r.clearedBy?.includes('/withdraw') || r.clearedBy.includes('PATCH'));
    // A reason only a change to the campaign clears (its cost cap: withdraw; a grown cost: submit again)
    // blocks the same run again the moment it is retried, so a retry is not offered while one stands:
    // the remedy above is the way forward.
    const needsCampaignChange = run.blockReasons.some((r) => r.clearedBy?.includes('/campaigns/'));
    return (
      <Space orientation="vertical" size={4}>
        {byCostCap &&
          (can('marketer', 'admin') ? (
            <Reason>{t('Withdraw the campaign and raise its cost cap.')}</Reason>
          ) : (
            <Reason>{t('A marketer withdraws the campaign and raises its cost cap.')}</Reason>
          ))}
        {byMonthlyCap &&
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
        {needsCampaignChange ? null : can('approver', 'admin') ? (
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
      <ErrorAlert error={runs.error ?? campaigns.error ?? retry.error ?? sync.error} />
      {groups.size === 0 && !runs.isLoading && <Empty description={t('No run yet')} />}
      <Space orientation="vertical" style={{ width: '100%' }}>
        {[...groups].map(([campaignId, campaignRuns]) => {
          const campaign = campaignOf(campaignId);
          return (
            <Card
              key={campaignId}
              size="small"
              title={<Link to={`/campaigns/${campaignId}`}>{campaign?.name ?? t('Campaign')}</Link>}
            >
              {campaign && <CampaignActions campaign={campaign} />}
              <div style={{ marginTop: 12 }}>
                <RunsTable runs={campaignRuns} timeZone={account.timezone} action={clearing} />
              </div>
            </Card>
          );
        })}
      </Space>
    </>
  );
}
