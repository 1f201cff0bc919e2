// "Send now" asks first, with what it will cost: the campaign's forecast as the API gives it at the
// moment of asking (recipients, paid messages, cost, the verdict and its reasons).
import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Modal, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import type { Forecast } from '../api/types';
import { formatMoney, formatNumber, formatTime } from '../format';
import { ErrorAlert } from './common';

export interface SendNowConfirmProps {
  campaignId: string;
  open: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function SendNowConfirm({ campaignId, open, busy, onConfirm, onCancel }: SendNowConfirmProps) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const forecast = useQuery({
    queryKey: ['forecast', campaignId, 'send-now'],
    enabled: open,
    staleTime: 0,
    gcTime: 0,
    retry: false,
    queryFn: async () =>
      (await call(api.GET('/api/v1/campaigns/{id}/forecast', { params: { path: { id: campaignId } } }))) as Forecast,
  });
  const f = forecast.isFetching ? undefined : forecast.data;
  // The API says whether the account's quiet hours are in force now (send-now's own rule): the send
  // is then refused until they end, whatever the budget says, unless an approver overrides.
  const quiet = f?.quietHoursNow ?? null;
  const quietUntil = quiet ? formatTime(quiet.until, quiet.timezone) : '';
  return (
    <Modal
      open={open}
      title={t('Send this campaign now?')}
      okText={t('Send now')}
      cancelText={t("Don't send")}
      okButtonProps={{ disabled: !f, loading: busy, danger: !!f && (f.verdict !== 'ok' || !!quiet) }}
      onOk={onConfirm}
      onCancel={onCancel}
      destroyOnHidden
    >
      {forecast.isFetching && <Typography.Text type="secondary">{t('Forecasting the send…')}</Typography.Text>}
      <ErrorAlert error={forecast.error} />
      {f && (
        <div data-testid="send-now-forecast">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('Recipients')}>
              <span data-testid="send-now-recipients">{n(f.recipients)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('Paid messages')}>
              <span data-testid="send-now-paid">{n(f.paidMessages)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('Cost')}>
              <strong data-testid="send-now-cost">{formatMoney(f.cost)}</strong>
            </Descriptions.Item>
            <Descriptions.Item label={t('Verdict')}>
              {quiet && f.verdict === 'ok' ? (
                <Tag color="orange">{t('Quiet hours until {{until}}', { until: quietUntil })}</Tag>
              ) : (
                <Tag color={f.verdict === 'ok' ? 'green' : 'red'}>{t(`verdict.${f.verdict}`)}</Tag>
              )}
            </Descriptions.Item>
          </Descriptions>
          {quiet && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 12 }}
              data-testid="send-now-quiet"
              title={t("The account's quiet hours are in force until {{until}}", { until: quietUntil })}
              description={t(
                'Quiet hours {{start}}–{{end}} ({{timezone}}): sending now is refused until they end, unless an approver or an admin overrides them with a reason.',
                { start: quiet.start, end: quiet.end, timezone: quiet.timezone },
              )}
            />
          )}
          {f.verdict !== 'ok' && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 12 }}
              title={t('The budget gate will decide at sending; as forecast now:')}
              description={
                <ul style={{ margin: 0, paddingLeft: 20 }}>
                  {f.reasons.map((reason, i) => (
                    <li key={i}>{reason}</li>
                  ))}
                </ul>
              }
            />
          )}
        </div>
      )}
    </Modal>
  );
}
