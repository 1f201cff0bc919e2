// The frame of every screen. Kept to light components: it is part of the first load, with the
// sign-in form; each screen's own code comes in its own chunk.
import { Suspense } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { Button, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from './auth';
import { useAccount } from './account';
import { LanguageSwitch } from './LanguageSwitch';
import type { Role } from './api/types';

const NAV: { path: string; label: string; roles?: Role[] }[] = [
  { path: '/', label: 'Month' },
  { path: '/contacts', label: 'Contacts' },
  { path: '/audiences', label: 'Audiences' },
  { path: '/campaigns', label: 'Campaigns' },
  { path: '/approvals', label: 'Approvals' },
  { path: '/runs', label: 'Runs' },
  { path: '/audit', label: 'Audit log' },
  { path: '/admin', label: 'Admin', roles: ['admin'] },
];

export function Shell() {
  const { t } = useTranslation();
  const { user, signOut } = useAuth();
  const { accounts, account, select } = useAccount();
  const navigate = useNavigate();
  return (
    <div className="shell">
      <header className="shell-header">
        <strong className="shell-brand">{t('LINE campaign manager')}</strong>
        <label className="shell-account">
          <span>{t('LINE account')}</span>
          <select value={account?.id ?? ''} onChange={(e) => select(e.target.value)}>
            {accounts.length === 0 && <option value="">{t('No LINE account yet')}</option>}
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <span style={{ flex: 1 }} />
        <LanguageSwitch />
        <span>
          {user?.name} <span className="shell-role">{t(`role.${user?.role}`)}</span>
        </span>
        <Button
          onClick={() => {
            void signOut().then(() => navigate('/login'));
          }}
        >
          {t('Sign out')}
        </Button>
      </header>
      <div className="shell-body">
        <nav aria-label={t('Main')} className="shell-nav">
          <ul>
            {NAV.filter((item) => !item.roles || (user && item.roles.includes(user.role))).map((item) => (
              <li key={item.path}>
                <NavLink to={item.path} end={item.path === '/'}>
                  {t(item.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main className="shell-main">
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}
