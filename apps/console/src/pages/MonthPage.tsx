import { useQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Col, Descriptions, Progress, Row, Statistic, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import ReactEChartsCore from 'echarts-for-react/lib/core';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { api, call } from '../api/client';
import type { Usage } from '../api/types';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { formatMoney, formatNumber, formatTime } from '../format';
import { ErrorAlert, NoAccount, PageTitle, Reason } from '../components/common';

echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

export default function MonthPage() {
  const { t, i18n } = useTranslation();
  const { account } = useAccount();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const usage = useQuery({
    queryKey: ['usage', account?.id],
    enabled: !!account,
    refetchInterval: 5_000,
    queryFn: async () =>
      (await call(api.GET('/api/v1/line-accounts/{id}/usage', { params: { path: { id: account!.id } } }))) as Usage,
  });
  const campaigns = useQuery({
    queryKey: ['campaigns', account?.id, 'due'],
    enabled: !!account,
    queryFn: () =>
      call(api.GET('/api/v1/campaigns', { params: { query: { lineAccountId: account!.id, limit: 100 } } })),
  });
  // The account's scheduled runs of every campaign, in one request.
  const scheduled = useQuery({
    queryKey: ['runs', 'account', account?.id, 'scheduled'],
    enabled: !!account,
    queryFn: () =>
      call(
        api.GET('/api/v1/runs', {
          params: { query: { lineAccountId: account!.id, status: 'scheduled', limit: 500 } },
        }),
      ),
  });
  const sync = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/line-accounts/{id}/quota-sync', { params: { path: { id: account!.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['usage'] }),
  });
  if (!account) return <NoAccount />;
  const u = usage.data;
  const tz = account.timezone;
  const n = (v: number | undefined) => formatNumber(v, i18n.language);
  const month = u?.month;
  const due = (scheduled.data?.items ?? [])
    .filter((run) => !month || run.scheduledAt.startsWith(month.slice(0, 7)))
    .sort((x, y) => x.scheduledAt.localeCompare(y.scheduledAt))
    .map((run) => ({ run, campaign: campaigns.data?.items.find((c) => c.id === run.campaignId) }));
  return (
    <>
      <PageTitle
        extra={
          can('admin') ? (
            <Button onClick={() => sync.mutate()} loading={sync.isPending}>
              {t('Read LINE now')}
            </Button>
          ) : undefined
        }
      >
        {t('Month')} {month && <Tag>{month}</Tag>}
      </PageTitle>
      <ErrorAlert error={usage.error ?? sync.error} />
      {u && (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={24} md={8}>
              <Card title={t('Free quota')}>
                <Statistic
                  title={t('Used of the free quota')}
                  value={`${n(u.used)} / ${n(u.freeQuota)}`}
                  aria-label={t('Used of the free quota')}
                />
                <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
                  <Descriptions.Item label={t('Reserved by running sends')}>{n(u.reserved)}</Descriptions.Item>
                  <Descriptions.Item label={t('Set aside for other pushes')}>{n(u.headroom)}</Descriptions.Item>
                  <Descriptions.Item label={t('Free messages left')}>{n(u.remainingFree)}</Descriptions.Item>
                </Descriptions>
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card title={t('Paid messages')}>
                <Statistic title={t('Spend this month')} value={formatMoney(u.spend)} />
                <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
                  <Descriptions.Item label={t('Paid messages')}>{n(u.paidMessages)}</Descriptions.Item>
                  <Descriptions.Item label={t('Reserved cost')}>{formatMoney(u.reservedCost)}</Descriptions.Item>
                  <Descriptions.Item label={t('Monthly cap')}>{formatMoney(u.budget)}</Descriptions.Item>
                  <Descriptions.Item label={t('Left under the cap')}>
                    {formatMoney(u.budgetRemaining)}
                  </Descriptions.Item>
                </Descriptions>
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card title={t('End of month')}>
                <Statistic title={t('Projected spend')} value={formatMoney(u.projection.endOfMonthSpend)} />
                <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
                  <Descriptions.Item label={t('Projected messages')}>
                    {n(u.projection.endOfMonthMessages)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('Counted so far')}>{n(u.projection.sentSoFar)}</Descriptions.Item>
                  <Descriptions.Item label={t('Reserved by running sends')}>
                    {n(u.projection.reserved)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('Other pushes, rest of the month')}>
                    {n(u.projection.outside.restOfMonth)}{' '}
                    <Typography.Text type="secondary">
                      {u.projection.outside.trend >= u.projection.outside.headroom
                        ? t('{{perDay}} a day seen at LINE', {
                            perDay: perDayText(u.projection.outside.perDay, i18n.language),
                          })
                        : t('the account headroom')}
                    </Typography.Text>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('Runs still due')}>
                    {n(u.projection.scheduled.messages)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('Month elapsed')}>
                    <Progress
                      percent={Math.round(Number(u.projection.elapsedFraction) * 100)}
                      size="small"
                      aria-label={t('Month elapsed')}
                    />
                  </Descriptions.Item>
                  {u.projection.exceedsPlanLimit && (
                    <Descriptions.Item label={t('Plan')}>
                      <Tag color="red">{t('The projection passes what the plan allows')}</Tag>
                    </Descriptions.Item>
                  )}
                  {u.recommendedPlan && u.recommendedPlan.plan !== u.plan && (
                    <Descriptions.Item label={t('Cheaper plan')}>
                      {u.recommendedPlan.plan} ({formatMoney(u.recommendedPlan.monthlyCost)})
                    </Descriptions.Item>
                  )}
                </Descriptions>
              </Card>
            </Col>
          </Row>
          <Card title={t('Projection against the limits')} style={{ marginTop: 16 }}>
            <ProjectionLimits usage={u} thresholds={account.alerts?.thresholds} />
          </Card>
          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} lg={14}>
              <Card title={t('Messages this month')}>
                <MonthChart usage={u} />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card title={t("LINE's last reading")}>
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={t('Read at')}>{formatTime(u.line.readAt, tz)}</Descriptions.Item>
                  <Descriptions.Item label={t('Messages LINE counted')}>
                    {n(u.line.consumption ?? undefined)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("LINE's monthly limit")}>
                    {u.line.quota?.type === 'limited' ? n(u.line.quota.value ?? undefined) : t('none')}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('Fresh')}>
                    {u.line.fresh ? <Tag color="green">{t('yes')}</Tag> : <Tag color="orange">{t('stale')}</Tag>}
                  </Descriptions.Item>
                  {u.line.lastError && (
                    <Descriptions.Item label={t('Last error')}>{u.line.lastError}</Descriptions.Item>
                  )}
                </Descriptions>
                {!can('admin') && <Reason>{t('An admin can read LINE again.')}</Reason>}
              </Card>
            </Col>
          </Row>
          <Card title={t('Still due this month')} style={{ marginTop: 16 }}>
            <Table
              size="small"
              rowKey={(row) => row.run.id}
              pagination={false}
              dataSource={due}
              locale={{ emptyText: t('No scheduled run is still due this month') }}
              columns={[
                {
                  title: t('Campaign'),
                  render: (_, row) => (
                    <Link to={`/campaigns/${row.run.campaignId}`}>{row.campaign?.name ?? t('Campaign')}</Link>
                  ),
                },
                { title: t('Runs at'), render: (_, row) => formatTime(row.run.scheduledAt, tz) },
                { title: t('Recurring'), render: (_, row) => (row.campaign?.schedule?.cron ? t('yes') : t('no')) },
                { title: t('Recipients'), render: (_, row) => n(row.run.approved.recipients) },
                {
                  title: t('Sends left this month'),
                  render: (_, row) =>
                    n(u.projection.scheduled.campaigns.find((c) => c.campaignId === row.run.campaignId)?.sends),
                },
                { title: t('Forecast cost (approved)'), render: (_, row) => formatMoney(row.run.approved.cost) },
              ]}
            />
          </Card>
          <Card title={t('By campaign')} style={{ marginTop: 16 }}>
            <Table
              size="small"
              rowKey={(row) => row.campaignId ?? 'other'}
              pagination={false}
              dataSource={u.byCampaign}
              columns={[
                {
                  title: t('Campaign'),
                  render: (_, row) =>
                    row.campaignId ? (
                      <Link to={`/campaigns/${row.campaignId}`}>
                        {campaigns.data?.items.find((c) => c.id === row.campaignId)?.name ?? row.campaignId}
                      </Link>
                    ) : (
                      <Typography.Text type="secondary">{t('Test sends')}</Typography.Text>
                    ),
                },
                { title: t('Messages'), render: (_, row) => n(row.messages) },
                { title: t('Paid messages'), render: (_, row) => n(row.paidMessages) },
                { title: t('Cost'), render: (_, row) => formatMoney(row.cost) },
              ]}
            />
          </Card>
          <Card title={t('Counted by LINE, day by day')} style={{ marginTop: 16 }}>
            <Typography.Paragraph type="secondary">
              {t(
                'LINE accepts every id it is sent but counts only the followers it delivered to. Once LINE has counted a day (about a day later, in UTC+9), the month follows its count.',
              )}
            </Typography.Paragraph>
            <Table
              size="small"
              rowKey={(row) => `${row.day}:${row.kind}`}
              pagination={false}
              dataSource={u.days}
              locale={{ emptyText: t('Nothing sent this month') }}
              columns={[
                { title: t('Day (UTC+9)'), dataIndex: 'day' },
                { title: t('Sent by'), render: (_, row) => (row.kind === 'push' ? t('Test sends') : t('Campaigns')) },
                { title: t('Accepted by LINE'), render: (_, row) => n(row.accepted) },
                {
                  title: t('Counted by LINE'),
                  render: (_, row) =>
                    row.status === 'ready'
                      ? n(row.counted ?? undefined)
                      : row.status === 'unavailable_for_privacy'
                        ? t('fewer than 20')
                        : row.status === null
                          ? t('not read yet')
                          : t(`lineDay.${row.status}`),
                },
                {
                  title: t('Not delivered (blocked or unknown users)'),
                  render: (_, row) => (row.difference === null ? '–' : n(row.difference)),
                },
                { title: t('Counted in the month'), render: (_, row) => n(row.ledger) },
              ]}
            />
          </Card>
        </>
      )}
    </>
  );
}

/**
 * An average of messages a day (the API's "70.00") as a reader counts messages: whole from 10 up, one
 * decimal below, so a slow trickle still shows ("0.4") and "0.00" reads "0".
 */
export function perDayText(perDay: string, language: string): string {
  const value = Number(perDay);
  return new Intl.NumberFormat(language, { maximumFractionDigits: Math.abs(value) >= 10 ? 0 : 1 }).format(value);
}

/** Each limit's projected share as the API answered it, with the account's alert thresholds marked. */
export function ProjectionLimits({ usage, thresholds }: { usage: Usage; thresholds?: number[] }) {
  const { t, i18n } = useTranslation();
  const label = (kind: string) =>
    kind === 'free_quota' ? t('Free quota') : kind === 'line_limit' ? t("LINE's monthly limit") : t('Monthly cap');
  const value = (kind: string, amount: string) =>
    kind === 'budget'
      ? formatMoney({ amount, currency: usage.budget.currency })
      : formatNumber(Number(amount), i18n.language);
  return (
    <Descriptions size="small" column={1}>
      {usage.projection.limits.map((limit) => (
        <Descriptions.Item key={limit.kind} label={label(limit.kind)}>
          <Progress
            percent={Math.min(limit.percent, 100)}
            status={limit.percent >= 100 ? 'exception' : 'normal'}
            format={() => `${limit.percent}%`}
            aria-label={label(limit.kind)}
            style={{ maxWidth: 320 }}
          />{' '}
          {/* Its own element with a gap: the Progress ends in "113%", which ran into the figures. */}
          <span style={{ marginInlineStart: 8 }}>
            {value(limit.kind, limit.projected)} / {value(limit.kind, limit.limit)}
          </span>
          {thresholds && thresholds.length > 0 && (
            <Typography.Text type="secondary">
              {' '}
              · {t('alerts at')} {thresholds.map((p) => `${p}%`).join(', ')}
            </Typography.Text>
          )}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** The chart's options: the API's figures as they are, written in the reader's language on the axis and bars. */
export function monthChartOption(bars: [string, number, string][], language: string) {
  const n = (value: number) => formatNumber(value, language);
  return {
    ariaLabel: bars.map(([label, value]) => `${label}: ${n(value)}`).join(', '),
    grid: { left: 140, right: 30, top: 10, bottom: 20 },
    tooltip: { valueFormatter: (value: number) => n(value) },
    xAxis: { type: 'value' as const, axisLabel: { formatter: (value: number) => n(value) } },
    yAxis: { type: 'category' as const, data: bars.map(([label]) => label), inverse: true },
    series: [
      {
        type: 'bar' as const,
        data: bars.map(([, value, color]) => ({ value, itemStyle: { color } })),
        label: { show: true, position: 'right' as const, formatter: ({ value }: { value: number }) => n(value) },
      },
    ],
  };
}

/** The API's figures side by side; nothing added up here. */
function MonthChart({ usage }: { usage: Usage }) {
  const { t, i18n } = useTranslation();
  const bars: [string, number, string][] = [
    [t('Free quota'), usage.freeQuota, '#8fd3a8'],
    [t('Used'), usage.used, '#06a04a'],
    [t('Reserved'), usage.reserved, '#f5a623'],
    [t('Free messages left'), usage.remainingFree, '#b7e4c7'],
    [t('Paid messages'), usage.paidMessages, '#d0021b'],
    [t('Projected messages'), usage.projection.endOfMonthMessages, '#4a90e2'],
  ];
  const { ariaLabel, ...option } = monthChartOption(bars, i18n.language);
  return (
    <div role="img" aria-label={ariaLabel}>
      <ReactEChartsCore echarts={echarts} style={{ height: 260 }} opts={{ renderer: 'svg' }} option={option} />
    </div>
  );
}
