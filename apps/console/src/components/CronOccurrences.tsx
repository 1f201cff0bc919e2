// A recurring schedule's next five sends, as the API reads the cron (POST /schedules/preview): in
// the account's zone with its offset. The browser does not read cron expressions.
import { useQuery } from '@tanstack/react-query';
import { Alert, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../api/client';
import { useDebounced } from '../hooks';

export interface CronOccurrencesProps {
  cron: string;
  timeZone: string;
  /** The schedule's end (ISO instant), when set. */
  until?: string;
}

export function CronOccurrences({ cron, timeZone, until }: CronOccurrencesProps) {
  const { t } = useTranslation();
  const key = JSON.stringify({ cron, timezone: timeZone, ...(until ? { until } : {}), count: 5 });
  const settled = useDebounced(key, 300);
  const preview = useQuery({
    queryKey: ['schedule-preview', settled],
    enabled: cron.trim() !== '',
    retry: false,
    staleTime: 60_000,
    queryFn: ({ signal }) =>
      call(api.POST('/api/v1/schedules/preview', { body: JSON.parse(settled) as never, signal })),
  });
  const error = preview.error instanceof ApiError ? preview.error : null;
  const occurrences = preview.data?.occurrences;
  return (
    <section aria-labelledby="cron-occurrences-title" style={{ marginBottom: 16 }}>
      <Typography.Text strong id="cron-occurrences-title">
        {t('Next five sends ({{zone}})', { zone: timeZone })}
      </Typography.Text>{' '}
      {(preview.isFetching || key !== settled) && <Spin size="small" />}
      {error ? (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 4 }}
          data-testid="cron-problem"
          title={error.details.map((d) => d.problem).join('; ') || error.message}
        />
      ) : occurrences && occurrences.length === 0 ? (
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
          {t('This schedule names no time from now on.')}
        </Typography.Paragraph>
      ) : (
        <ol data-testid="cron-occurrences" style={{ margin: '4px 0 0', paddingLeft: 20 }}>
          {(occurrences ?? []).map((o) => (
            <li key={o.at}>
              <time dateTime={o.at}>
                {t(`weekday.${o.weekday}`)} {o.local}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
