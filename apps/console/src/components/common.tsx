import type { ReactNode } from 'react';
import { Alert, Empty, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

export function PageTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'center', marginBottom: 16, gap: 16 }}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0, flex: 1 }}>
        {children}
      </Typography.Title>
      {extra && <Space>{extra}</Space>}
    </div>
  );
}

/** The service's error as it said it: the message and every field problem. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  return (
    <Alert
      type="error"
      role="alert"
      showIcon
      style={{ marginBottom: 16 }}
      title={apiError?.message ?? String((error as Error).message ?? error)}
      description={
        apiError?.details.length ? (
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {apiError.details.map((d, i) => (
              <li key={i}>
                <code>{d.field}</code>: {d.problem}
              </li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}

export function NoAccount() {
  const { t } = useTranslation();
  return <Empty description={t('No LINE account yet. An admin adds one under Admin.')} />;
}

/** Why a control is disabled for this person, next to it. */
export function Reason({ children }: { children: ReactNode }) {
  return (
    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
      {children}
    </Typography.Text>
  );
}
