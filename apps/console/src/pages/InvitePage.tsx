import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { request } from '../api/client';
import { ErrorAlert } from '../components/common';

export default function InvitePage() {
  const { token } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center' }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={1} style={{ fontSize: 20 }}>
          {t('Choose your password')}
        </Typography.Title>
        <Form
          layout="vertical"
          onFinish={(values: { password: string }) => {
            request<{ user: { email: string } }>('POST', `/api/v1/auth/invites/${token}/accept`, {
              password: values.password,
            })
              // The sign-in page says the password is set and has the email in, so only the password is asked.
              .then((session) => navigate('/login', { state: { passwordSetFor: session.user.email } }))
              .catch(setError);
          }}
        >
          <Form.Item
            label={t('Password')}
            name="password"
            rules={[{ required: true, min: 12, message: t('At least 12 characters') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <ErrorAlert error={error} />
          <Button type="primary" htmlType="submit" block>
            {t('Set password')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
