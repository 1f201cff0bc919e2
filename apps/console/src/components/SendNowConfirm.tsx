// "Send now" asks first, with what it will cost: the campaign's forecast as the API gives it at the
// moment of asking (recipients, paid messages, cost, the verdict and its reasons).
import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Modal, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import type { Forecast } from '../api/types';
import { formatMoney, formatNumber } from '../format';
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
  return (
    <Modal
      open={open}
      title={t('Send this campaign now?')}
      okText={t('Send now')}
      cancelText={t("Don't send")}
      okButtonProps={{ disabled: !f, loading: busy, danger: !!f && f.verdict !== 'ok' }}
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
              <Tag color={f.verdict === 'ok' ? 'green' : 'red'}>{t(`verdict.${f.verdict}`)}</Tag>
            </Descriptions.Item>
          </Descriptions>
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
