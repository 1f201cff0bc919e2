import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Button, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth';
import { LanguageSwitch } from '../LanguageSwitch';

export function LoginPage() {
  const { t } = useTranslation();
  const { user, signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';
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
