import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Empty, Row, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import type { AudienceRule, Forecast } from '../api/types';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { formatMoney, formatNumber, formatTime } from '../format';
import { CampaignActions } from '../components/CampaignActions';
import { ChangesTable, describeRule, type Changes } from '../components/ChangesTable';
import { ForecastPanel } from '../components/ForecastPanel';
import { CampaignPreview } from '../components/AbTestView';
import { ErrorAlert, NoAccount, PageTitle, Reason } from '../components/common';

export default function ApprovalsPage() {
  const { t, i18n } = useTranslation();
  const { account } = useAccount();
  const { can } = useAuth();
  // One request carries every card's figures (GET /approvals): the forecast now and at submission,
  // the changes since the last approval, the audience and its size.
  const pending = useQuery({
    queryKey: ['campaigns', account?.id, 'approvals'],
    enabled: !!account,
    queryFn: () =>
      call(api.GET('/api/v1/approvals', { params: { query: { lineAccountId: account!.id, limit: 100 } } })),
  });
  const items = pending.data?.items ?? [];
  if (!account) return <NoAccount />;
  return (
    <>
      <PageTitle extra={!can('approver') && <Reason>{t('Only approvers approve or reject.')}</Reason>}>
        {t('Approvals')}
      </PageTitle>
      <ErrorAlert error={pending.error} />
      {items.length === 0 && !pending.isLoading && <Empty description={t('Nothing waits for approval')} />}
      <Space orientation="vertical" style={{ width: '100%' }} size="large">
        {items.map((item) => {
          const { campaign, audience, audienceSize: size } = item;
          const forecast = item.forecast as Forecast;
          const atSubmission = item.atSubmission as Forecast | null;
          return (
            <Card
              key={campaign.id}
              title={<Link to={`/campaigns/${campaign.id}`}>{campaign.name}</Link>}
              data-testid="approval-card"
            >
              <CampaignActions campaign={campaign} />
              <Row gutter={16} style={{ marginTop: 16 }}>
                <Col xs={24} md={10} lg={8}>
                  <Typography.Title level={2} style={{ fontSize: 15 }}>
                    {t('Messages')}
                  </Typography.Title>
                  <CampaignPreview campaign={campaign} accountName={account.name} />
                </Col>
                <Col xs={24} md={14} lg={16}>
                  <Typography.Title level={2} style={{ fontSize: 15 }}>
                    {t('Audience')}
                  </Typography.Title>
                  <Descriptions size="small" column={1} bordered data-testid="approval-audience">
                    <Descriptions.Item label={t('Name')}>
                      <Link to={`/audiences/${campaign.audienceId}`}>{audience.name}</Link>
                    </Descriptions.Item>
                    <Descriptions.Item label={t('Rule')}>
                      {describeRule(audience.definition as unknown as AudienceRule, t)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('Recipients')}>
                      {formatNumber(size.recipients, i18n.language)}
                      {` (${t('excluded: {{blocked}} blocked, {{unfollowed}} unfollowed', {
                        blocked: formatNumber(size.excluded.blocked, i18n.language),
                        unfollowed: formatNumber(size.excluded.unfollowed, i18n.language),
                      })})`}
                    </Descriptions.Item>
                  </Descriptions>
                  <Typography.Title level={2} style={{ fontSize: 15, marginTop: 16 }}>
                    {t('Since the last approval')}
                  </Typography.Title>
                  <ChangesTable
                    changes={item.changes as Changes}
                    timeZone={account.timezone}
                    currency={account.monthlyBudget.currency}
                  />
                </Col>
              </Row>
              <Row gutter={16} style={{ marginTop: 16 }}>
                <Col xs={24} lg={12}>
                  <Typography.Title level={2} style={{ fontSize: 15 }}>
                    {t('Forecast now')}
                  </Typography.Title>
                  <ForecastPanel forecast={forecast} loading={pending.isFetching} timeZone={account.timezone} />
                </Col>
                <Col xs={24} lg={12}>
                  <Typography.Title level={2} style={{ fontSize: 15 }}>
                    {t('At submission')}
                  </Typography.Title>
                  <Descriptions size="small" column={1} bordered>
                    <Descriptions.Item label={t('Submitted at')}>
                      {formatTime(campaign.submission?.submittedAt, account.timezone)}
                    </Descriptions.Item>
                    {atSubmission && (
                      <>
                        <Descriptions.Item label={t('Recipients')}>
                          {formatNumber(atSubmission.recipients, i18n.language)}
                        </Descriptions.Item>
                        <Descriptions.Item label={t('Cost')}>{formatMoney(atSubmission.cost)}</Descriptions.Item>
                        <Descriptions.Item label={t('Verdict')}>
                          {t(`verdict.${atSubmission.verdict}`)}
                        </Descriptions.Item>
                      </>
                    )}
                  </Descriptions>
                </Col>
              </Row>
            </Card>
          );
        })}
      </Space>
    </>
  );
}
