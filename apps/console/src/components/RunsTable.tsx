import { Progress, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Run } from '../api/types';
import { formatMoney, formatNumber, formatTime } from '../format';
import { blockReasonText, statusDetailText } from '../reasons';

const RUN_COLOR: Record<string, string> = {
  scheduled: 'blue',
  sending: 'processing',
  completed: 'green',
  partial: 'orange',
  blocked: 'red',
  failed: 'red',
  cancelled: 'default',
  paused: 'gold',
};

/**
 * A reason's code in words (the translation keys of the forecast's verdicts and of the run notes);
 * a code the console doesn't know yet shows as the API names it.
 */
const REASON_LABEL: Record<string, string> = {
  over_budget: 'verdict.over_budget',
  over_plan_limit: 'verdict.over_plan_limit',
  over_line_cap: 'verdict.over_line_cap',
  quota_unknown: 'verdict.quota_unknown',
  needs_reapproval: 'Needs a new approval',
  trimmed: 'Trimmed',
  deferred: 'Deferred',
  ab_test: 'A/B test',
  no_aggregation_unit: 'No aggregation unit',
};

/** Runs with their progress as the API reports it (accepted batches, delivered, failed, remaining, rate). */
export function RunsTable({
  runs,
  timeZone,
  action,
}: {
  runs: Run[];
  timeZone: string;
  action?(run: Run): React.ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <Table
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={runs}
      locale={{ emptyText: t('No run yet') }}
      columns={[
        {
          title: t('Status'),
          render: (_, run) => (
            <>
              <Tag color={RUN_COLOR[run.status]} data-testid="run-status">
                {t(`run.${run.status}`)}
              </Tag>
              {run.quietHoursOverride && <Tag color="purple">{t('quiet hours overridden')}</Tag>}
              {run.abTest && (
                <Tag color="blue" data-testid="run-variant">
                  {run.abTest.part === 'remainder' && !run.abTest.variant
                    ? t('A/B rest')
                    : t('A/B {{variant}}', { variant: run.abTest.variant ?? '' }) +
                      (run.abTest.part === 'remainder' ? ` · ${t('A/B rest')}` : '')}
                </Tag>
              )}
            </>
          ),
        },
        { title: t('Runs at'), render: (_, run) => formatTime(run.scheduledAt, timeZone) },
        {
          title: t('Progress'),
          render: (_, run) => (
            <div style={{ minWidth: 220 }}>
              <Progress
                percent={
                  run.progress.batches
                    ? Math.floor((run.progress.batchesDone * 100) / run.progress.batches)
                    : run.status === 'completed'
                      ? 100
                      : 0
                }
                size="small"
                aria-label={t('Batches sent')}
                status={run.status === 'failed' || run.status === 'blocked' ? 'exception' : undefined}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="run-progress">
                {t(
                  '{{delivered}} delivered, {{failed}} failed, {{remaining}} remaining, {{done}} of {{batches}} batches; {{recipients}} recipients',
                  {
                    delivered: n(run.progress.delivered),
                    failed: n(run.progress.failed),
                    remaining: n(run.progress.remaining),
                    done: n(run.progress.batchesDone),
                    batches: n(run.progress.batches),
                    recipients: n(run.progress.recipients),
                  },
                )}
              </Typography.Text>
            </div>
          ),
        },
        {
          title: t('Rate'),
          render: (_, run) => (
            <span data-testid="run-rate">
              {run.progress.recipientsPerSecond === null
                ? '—'
                : t('{{rate}} recipients/s', {
                    rate: run.progress.recipientsPerSecond.toLocaleString(i18n.language, { maximumFractionDigits: 1 }),
                  })}
            </span>
          ),
        },
        {
          title: t('Cost'),
          render: (_, run) =>
            formatMoney(run.status === 'completed' || run.status === 'partial' ? run.actual.cost : run.reserved.cost),
        },
        {
          title: t('Why it is held'),
          render: (_, run) =>
            run.statusDetail ? (
              <Typography.Text type="warning" data-testid="run-status-detail">
                {statusDetailText(run, t, i18n.language)}
              </Typography.Text>
            ) : run.blockReasons.length ? (
              <ul style={{ margin: 0, paddingLeft: 16 }} data-testid="block-reasons">
                {run.blockReasons.map((reason, i) => (
                  <li key={i}>
                    {/* Red for what holds the run; a note (trimmed, deferred, an A/B test's part) clears nothing. */}
                    <Tag color={reason.clearedBy === null ? 'blue' : 'red'} data-testid="block-reason-code">
                      {REASON_LABEL[reason.code] ? t(REASON_LABEL[reason.code]) : reason.code}
                    </Tag>{' '}
                    {blockReasonText(reason, t, i18n.language, timeZone)}
                  </li>
                ))}
              </ul>
            ) : (
              '—'
            ),
        },
        ...(action ? [{ title: t('Action'), render: (_: unknown, run: Run) => action(run) }] : []),
      ]}
    />
  );
}
