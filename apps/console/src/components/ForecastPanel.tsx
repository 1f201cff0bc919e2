// What the API forecast for a send, as it said it: recipients, free and paid messages, the cost of
// each price band, the verdict and every reason, and the suggestions it offered. Nothing here is
// computed; a suggestion is applied by the page (which changes the draft, and the API forecasts again).
import { Alert, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldProblem } from '../api/client';
import type { Forecast, Suggestion } from '../api/types';
import { formatMoney, formatNumber, formatTime } from '../format';
import { forecastReasons } from '../reasons';

export interface ForecastPanelProps {
  forecast: Forecast | undefined;
  loading?: boolean;
  timeZone: string;
  /** Why this person can't apply a suggestion (null: they can). */
  cannotApply?(suggestion: Suggestion): string | null;
  onApply?(suggestion: Suggestion): void;
  applying?: boolean;
  /** The campaign was edited since this forecast: save to see a new one. */
  stale?: boolean;
  /** A live forecast of the draft: the API is asked again after the last edit. */
  updating?: boolean;
  /** Why the API could not forecast the draft as it stands (the figures shown are the last ones). */
  problems?: FieldProblem[];
  /** What to say before there is a forecast. */
  emptyText?: string;
  /** The send the API forecast (a draft's answer says: its schedule's first), when not now. */
  sendAt?: string | null;
}

const VERDICT_COLOR: Record<string, string> = {
  ok: 'green',
  over_budget: 'red',
  over_plan_limit: 'red',
  over_line_cap: 'red',
  quota_unknown: 'orange',
};

export function ForecastPanel({
  forecast,
  loading,
  timeZone,
  cannotApply,
  onApply,
  applying,
  stale,
  updating,
  problems,
  emptyText,
  sendAt,
}: ForecastPanelProps) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <Card
      title={t('Forecast')}
      extra={
        updating ? (
          <Tag color="processing" data-testid="forecast-updating">
            {t('Updating…')}
          </Tag>
        ) : undefined
      }
      loading={loading && !forecast}
      aria-live="polite"
      aria-busy={updating || undefined}
      data-testid="forecast-panel"
    >
      {problems && problems.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="forecast-problems"
          title={t('The draft cannot be forecast as it stands:')}
          description={
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {problems.map((p, i) => (
                <li key={i}>
                  <code>{p.field}</code>: {p.problem}
                </li>
              ))}
            </ul>
          }
        />
      )}
      {!forecast ? (
        <Typography.Text type="secondary">{emptyText ?? t('Save the campaign to see its forecast.')}</Typography.Text>
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {stale && <Alert type="info" title={t('Edited since this forecast: save to forecast again.')} />}
          <div>
            <Typography.Text strong>{t('Verdict')}: </Typography.Text>
            <Tag color={VERDICT_COLOR[forecast.verdict]} data-testid="verdict">
              {t(`verdict.${forecast.verdict}`)}
            </Tag>
            {forecast.verdicts
              .filter((v) => v !== forecast.verdict)
              .map((v) => (
                <Tag key={v} color={VERDICT_COLOR[v]}>
                  {t(`verdict.${v}`)}
                </Tag>
              ))}
          </div>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('Recipients')}>{n(forecast.recipients)}</Descriptions.Item>
            {forecast.excluded && forecast.frequencyCap ? (
              <Descriptions.Item label={t('Left out by the frequency cap')}>
                <span data-testid="forecast-frequency-capped">{n(forecast.excluded.frequencyCap)}</span>
                {` (${t('{{messages}} in {{days}} days', forecast.frequencyCap)})`}
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('Messages')}>{n(forecast.messages)}</Descriptions.Item>
            <Descriptions.Item label={t('Free messages')}>{n(forecast.freeMessages)}</Descriptions.Item>
            <Descriptions.Item label={t('Paid messages')}>{n(forecast.paidMessages)}</Descriptions.Item>
            {/* Under defer the cost is all of them sent now (what deferring avoids); this month pays the part that goes now. */}
            {forecast.deferral && (
              <Descriptions.Item label={t('This month pays')}>
                <strong data-testid="forecast-cost-this-month">
                  {formatMoney({ amount: forecast.deferral.now.cost, currency: forecast.deferral.now.currency })}
                </strong>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={forecast.deferral ? t('Cost if all sent now') : t('Cost')}>
              {forecast.deferral ? (
                <span data-testid="forecast-cost">{formatMoney(forecast.cost)}</span>
              ) : (
                <strong data-testid="forecast-cost">{formatMoney(forecast.cost)}</strong>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('Left under the cap after this send')}>
              {forecast.budget.remainingAfter === null
                ? t('no cap')
                : formatMoney({ amount: forecast.budget.remainingAfter, currency: forecast.cost.currency })}
            </Descriptions.Item>
            {sendAt && (
              <Descriptions.Item label={t('The send forecast')}>
                <span data-testid="forecast-send-at">{formatTime(sendAt, timeZone)}</span>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('Month')}>{forecast.month}</Descriptions.Item>
            <Descriptions.Item label={t('Computed at')}>{formatTime(forecast.computedAt, timeZone)}</Descriptions.Item>
            <Descriptions.Item label={t('Rate card')}>
              {forecast.rateCard.region} {forecast.rateCard.plan}{' '}
              {forecast.rateCard.verified ? (
                <Tag color="green">{t('verified')}</Tag>
              ) : (
                <Tag color="orange">{t('not verified')}</Tag>
              )}
            </Descriptions.Item>
          </Descriptions>
          {forecast.deferral && (
            <Descriptions size="small" column={1} bordered title={t('Policy defer: two parts')} data-testid="deferral">
              {(['now', 'later'] as const).map((key) => {
                const part = forecast.deferral![key];
                return (
                  <Descriptions.Item key={key} label={key === 'now' ? t('Now') : t('At the monthly reset')}>
                    {t('{{recipients}} recipients, {{free}} free and {{paid}} paid messages, {{cost}}, {{at}}', {
                      recipients: n(part.recipients),
                      free: n(part.freeMessages),
                      paid: n(part.paidMessages),
                      cost: formatMoney({ amount: part.cost, currency: part.currency }),
                      at: part.at ? formatTime(part.at, timeZone) : part.month,
                    })}{' '}
                    <Tag color={VERDICT_COLOR[part.verdict]}>{t(`verdict.${part.verdict}`)}</Tag>
                  </Descriptions.Item>
                );
              })}
              {forecast.deferral.priority !== undefined && (
                <Descriptions.Item label={t('Who goes now')}>
                  <span data-testid="deferral-priority">
                    {!forecast.deferral.priority
                      ? t('A random order (seeded)')
                      : forecast.deferral.priority.order === 'asc'
                        ? t('The lowest {{attribute}} first', { attribute: forecast.deferral.priority.attribute })
                        : t('The highest {{attribute}} first', { attribute: forecast.deferral.priority.attribute })}
                  </span>
                </Descriptions.Item>
              )}
            </Descriptions>
          )}
          {forecast.cost.bands.length > 0 && (
            <Table
              size="small"
              pagination={false}
              rowKey="from"
              aria-label={t('Cost by price band')}
              dataSource={forecast.cost.bands}
              columns={[
                {
                  title: t('Paid messages of the month'),
                  render: (_, band) => `${n(band.from)} – ${n(band.to)}`,
                },
                {
                  title: t('Unit price'),
                  render: (_, band) =>
                    formatMoney({ amount: band.unitPrice, currency: forecast.cost.currency }, { unitPrice: true }),
                },
                { title: t('Messages'), render: (_, band) => n(band.messages) },
                {
                  title: t('Amount'),
                  render: (_, band) => formatMoney({ amount: band.amount, currency: forecast.cost.currency }),
                },
              ]}
            />
          )}
          <div>
            <Typography.Text strong>{t('Reasons')}</Typography.Text>
            <ul data-testid="forecast-reasons" style={{ paddingLeft: 20, margin: '4px 0' }}>
              {forecastReasons(forecast, t, i18n.language).map((reason, i) => (
                <li key={i}>{reason}</li>
              ))}
            </ul>
          </div>
          {forecast.suggestions.length > 0 && (
            <div>
              <Typography.Text strong>{t('Suggestions')}</Typography.Text>
              <Space orientation="vertical" style={{ width: '100%', marginTop: 4 }}>
                {forecast.suggestions.map((suggestion) => {
                  const reason = cannotApply?.(suggestion) ?? null;
                  return (
                    <Card size="small" key={suggestion.kind}>
                      <Space orientation="vertical">
                        <span>{describeSuggestion(suggestion, t, n)}</span>
                        <Space>
                          <Button
                            size="small"
                            type="primary"
                            ghost
                            disabled={!!reason || !onApply || applying}
                            onClick={() => onApply?.(suggestion)}
                          >
                            {t(`apply.${suggestion.kind}`)}
                          </Button>
                          {reason && <Typography.Text type="secondary">{reason}</Typography.Text>}
                        </Space>
                      </Space>
                    </Card>
                  );
                })}
              </Space>
            </div>
          )}
        </Space>
      )}
    </Card>
  );
}

function describeSuggestion(
  s: Suggestion,
  t: (key: string, options?: Record<string, unknown>) => string,
  n: (v: number) => string,
): string {
  switch (s.kind) {
    case 'trim':
      return t('Send to {{recipients}} recipients: {{cost}}', {
        recipients: n(s.maxRecipients),
        cost: formatMoney({ amount: s.cost, currency: s.currency }),
      });
    case 'next_month':
      return t('Send in {{month}} instead: {{cost}} ({{verdict}})', {
        month: s.month,
        cost: formatMoney({ amount: s.cost, currency: s.currency }),
        verdict: t(`verdict.${s.verdict}`),
      });
    case 'plan':
      return t('The {{plan}} plan would cost {{cost}} this month for {{messages}} messages', {
        plan: s.plan,
        cost: formatMoney({ amount: s.monthlyCost, currency: s.currency }),
        messages: n(s.projectedMessages),
      });
    case 'defer':
      return t(
        'Send {{now}} recipients now for {{nowCost}} and the other {{later}} at the reset ({{month}}) for {{laterCost}}: saves {{saves}}',
        {
          now: n(s.now.recipients),
          nowCost: formatMoney({ amount: s.now.cost, currency: s.now.currency }),
          later: n(s.later.recipients),
          month: s.later.month,
          laterCost: formatMoney({ amount: s.later.cost, currency: s.later.currency }),
          saves: formatMoney({ amount: s.saves, currency: s.currency }),
        },
      );
  }
}
