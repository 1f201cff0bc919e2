import { Card, Descriptions, Spin, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AudienceSize } from '../api/types';
import { formatNumber } from '../format';

/** The size the API counted: recipients, and who the audience matches but a send would not reach. */
export function AudienceSizePanel({ size, loading }: { size: AudienceSize | undefined; loading: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <Card title={t('Live size')} extra={loading ? <Spin size="small" /> : null} aria-live="polite">
      <Statistic title={t('Recipients')} value={size ? formatNumber(size.recipients, i18n.language) : '—'} />
      <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
        <Descriptions.Item label={t('Excluded: blocked')}>
          {size ? formatNumber(size.excluded.blocked, i18n.language) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('Excluded: unfollowed')}>
          {size ? formatNumber(size.excluded.unfollowed, i18n.language) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('Excluded: at their frequency cap')}>
          {size ? formatNumber(size.excluded.frequencyCap, i18n.language) : '—'}
          {size?.frequencyCap
            ? ` (${t('{{messages}} in {{days}} days', { messages: size.frequencyCap.messages, days: size.frequencyCap.days })})`
            : ''}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
