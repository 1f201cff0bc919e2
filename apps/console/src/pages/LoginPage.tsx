import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Button, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth';
import { LanguageSwitch } from '../LanguageSwitch';

export function LoginPage() {
  const { t } = useTranslation();
  const { user, signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as { from?: string; passwordSetFor?: string } | null;
  // Arriving from an invite: the password was just set for this email.
  const passwordSetFor = state?.passwordSetFor;
  const [email, setEmail] = useState(passwordSetFor ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = state?.from ?? '/';
  if (user) return <Navigate to={from} replace />;
  return (
    <main className="login">
      <form
        className="login-card"
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          signIn(email, password)
            .then(() => navigate(from, { replace: true }))
            .catch((e: Error) => setError(e.message))
            .finally(() => setBusy(false));
        }}
      >
        <h1>{t('LINE campaign manager')}</h1>
        {passwordSetFor && (
          <Alert type="success" showIcon style={{ marginBottom: 16 }} title={t('Password set — sign in')} />
        )}
        <label className="login-field">
          <span>{t('Email')}</span>
          <Input
            type="email"
            required
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="login-field">
          <span>{t('Password')}</span>
          <Input.Password
            required
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <div className="login-error" role="alert">
            {error}
          </div>
        )}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('Sign in')}
        </Button>
        <div style={{ marginTop: 16 }}>
          <LanguageSwitch />
        </div>
      </form>
    </main>
  );
}
