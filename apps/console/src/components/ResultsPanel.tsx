import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import type { CampaignResults, ResultCount, RunResults } from '../api/types';
import { formatMoney, formatNumber, formatTime } from '../format';
import { blockReasonText } from '../reasons';
import { ErrorAlert } from './common';
import { AbTestResultsView } from './AbTestView';

/** A rate the API gives as an exact fraction ("0.4200") shown as a percentage; "—" when none can be computed. */
function formatRate(rate: string | null, language: string): string {
  if (rate === null) return '—';
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 2 }).format(
    rate as Intl.StringNumericLiteral,
  );
}

/** "Fewer than 20" when LINE withheld the count, never 0; "not read yet" before the first reading. */
function CountText({ count }: { count: ResultCount }) {
  const { t, i18n } = useTranslation();
  if (count.value !== null) return <>{formatNumber(count.value, i18n.language)}</>;
  if (count.belowThreshold)
    return (
      <span data-testid="below-threshold">
        {count.atLeast !== undefined
          ? t('at least {{n}} (a part is fewer than 20)', { n: formatNumber(count.atLeast, i18n.language) })
          : t('fewer than 20')}
      </span>
    );
  return <Typography.Text type="secondary">{t('not read yet')}</Typography.Text>;
}

export function ResultFigures({ figures, label }: { figures: CampaignResults['total'] | RunResults; label: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Descriptions size="small" column={1} bordered title={label} data-testid="results-figures">
      <Descriptions.Item label={t('Delivered (accepted by LINE)')}>
        {formatNumber(figures.delivered, i18n.language)}
      </Descriptions.Item>
      <Descriptions.Item label={t('Unique impressions')}>
        <CountText count={figures.uniqueImpressions} /> ·{' '}
        {formatRate(figures.rates.uniqueImpressionRate, i18n.language)}
      </Descriptions.Item>
      <Descriptions.Item label={t('Unique clicks')}>
        <CountText count={figures.uniqueClicks} /> · {formatRate(figures.rates.uniqueClickRate, i18n.language)}
      </Descriptions.Item>
      <Descriptions.Item label={t('Unique media played')}>
        <CountText count={figures.uniqueMediaPlayed} /> ·{' '}
        {formatRate(figures.rates.uniqueMediaPlayedRate, i18n.language)}
      </Descriptions.Item>
      <Descriptions.Item label={t('Cost: forecast / actual')}>
        {formatMoney(figures.cost.forecast)} / {formatMoney(figures.cost.actual)}
      </Descriptions.Item>
      <Descriptions.Item label={t('Cost per 1,000 delivered')}>
        {formatMoney(figures.costPer.thousandDelivered, { unitPrice: true })}
      </Descriptions.Item>
      <Descriptions.Item label={t('Cost per unique impression')}>
        {formatMoney(figures.costPer.uniqueImpression, { unitPrice: true })}
      </Descriptions.Item>
      <Descriptions.Item label={t('Cost per unique click')}>
        {formatMoney(figures.costPer.uniqueClick, { unitPrice: true })}
      </Descriptions.Item>
    </Descriptions>
  );
}

/** The campaign's results as GET /campaigns/:id/results gives them; refresh reads LINE now (60 an hour per channel). */
export function ResultsPanel({ campaignId, timeZone }: { campaignId: string; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const results = useQuery({
    queryKey: ['results', campaignId],
    queryFn: () => call(api.GET('/api/v1/campaigns/{id}/results', { params: { path: { id: campaignId } } })),
  });
  const refresh = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/campaigns/{id}/results/refresh', { params: { path: { id: campaignId } } })),
    onSuccess: (data) => queryClient.setQueryData(['results', campaignId], data),
  });
  const data = results.data;
  return (
    <Card
      title={t('Results')}
      style={{ marginTop: 16 }}
      data-testid="results-panel"
      extra={
        <Button onClick={() => refresh.mutate()} loading={refresh.isPending} disabled={!data?.runs.length}>
          {t('Read LINE now')}
        </Button>
      }
    >
      <ErrorAlert error={results.error ?? refresh.error} />
      {data && data.runs.length === 0 && (
        <Typography.Text type="secondary">{t('No run has started yet.')}</Typography.Text>
      )}
      {data && data.runs.length > 0 && (
        <Space direction="vertical" style={{ width: '100%' }}>
          {data.abTest && (
            <AbTestResultsView
              abTest={data.abTest}
              countText={(run, metric) => (
                <CountText count={metric === 'unique_click_rate' ? run.uniqueClicks : run.uniqueImpressions} />
              )}
              rateText={(rate) => formatRate(rate, i18n.language)}
            />
          )}
          <ResultFigures figures={data.total} label={t('All runs')} />
          <Table
            size="small"
            rowKey="runId"
            pagination={false}
            dataSource={data.runs}
            columns={[
              { title: t('Started'), render: (_, run: RunResults) => formatTime(run.startedAt, timeZone) },
              ...(data.abTest
                ? [{ title: t('Variant'), render: (_: unknown, run: RunResults) => run.variant ?? '—' }]
                : []),
              { title: t('Delivered'), render: (_, run: RunResults) => formatNumber(run.delivered, i18n.language) },
              {
                title: t('Unique impressions'),
                render: (_, run: RunResults) => <CountText count={run.uniqueImpressions} />,
              },
              { title: t('Unique clicks'), render: (_, run: RunResults) => <CountText count={run.uniqueClicks} /> },
              {
                title: t('Cost per unique click'),
                render: (_, run: RunResults) => formatMoney(run.costPer.uniqueClick, { unitPrice: true }),
              },
              { title: t('Read at'), render: (_, run: RunResults) => formatTime(run.readAt, timeZone) },
              {
                title: t('Note'),
                render: (_, run: RunResults) =>
                  (run.note && blockReasonText({ message: run.note, details: run.noteDetails }, t, i18n.language)) ||
                  (run.updatesUntil
                    ? t('LINE updates these until {{at}}', { at: formatTime(run.updatesUntil, timeZone) })
                    : '—'),
              },
            ]}
          />
          <Alert
            type="info"
            showIcon
            title={t('{{used}} of {{limit}} aggregation units used in {{month}}; {{remaining}} left', {
              used: formatNumber(data.aggregationUnits.used, i18n.language),
              limit: formatNumber(data.aggregationUnits.limit, i18n.language),
              month: data.aggregationUnits.month,
              remaining: formatNumber(data.aggregationUnits.remaining, i18n.language),
            })}
          />
        </Space>
      )}
    </Card>
  );
}
