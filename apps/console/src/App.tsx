import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhTW from 'antd/locale/zh_TW';
import { useTranslation } from 'react-i18next';
import { AuthProvider, useAuth } from './auth';
import { AccountProvider } from './account';
import { Shell } from './Shell';
import { LoginPage } from './pages/LoginPage';
import { ApiError } from './api/client';

// Every screen is its own chunk: the first load is the shell and the sign-in form only.
const MonthPage = lazy(() => import('./pages/MonthPage'));
const ContactsPage = lazy(() => import('./pages/ContactsPage'));
const AudiencesPage = lazy(() => import('./pages/AudiencesPage'));
const AudienceEditPage = lazy(() => import('./pages/AudienceEditPage'));
const CampaignsPage = lazy(() => import('./pages/CampaignsPage'));
const CampaignEditPage = lazy(() => import('./pages/CampaignEditPage'));
const ApprovalsPage = lazy(() => import('./pages/ApprovalsPage'));
const RunsPage = lazy(() => import('./pages/RunsPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const AdminPage = lazy(() => import('./pages/AdminPage'));
const InvitePage = lazy(() => import('./pages/InvitePage'));

// Text colours dark enough for WCAG AA contrast (antd's defaults for secondary text are not).
const THEME = {
  token: {
    colorPrimary: '#067a3a',
    // Hover and press shades too: antd derives lighter ones, and white text on them fell below 4.5:1
    // while the pointer rested on a primary button.
    colorPrimaryHover: '#05652f',
    colorPrimaryActive: '#04562a',
    colorLink: '#05652f',
    colorLinkHover: '#04562a',
    colorError: '#c41d1c',
    colorWarning: '#ad6800',
    colorTextSecondary: '#595959',
    colorTextTertiary: '#595959',
    colorTextQuaternary: '#666666',
    colorTextDescription: '#595959',
    colorTextPlaceholder: '#666666',
  },
};

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

function RequireSession({ children }: { children: ReactNode }) {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Spin fullscreen />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <AccountProvider>{children}</AccountProvider>;
}

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'zh-TW' ? zhTW : enUS}
      theme={THEME}
      // antd would put a space between two CJK characters ("登 入"), changing the button's accessible name.
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <AuthProvider>
              <Suspense fallback={<Spin fullscreen />}>
                <Routes>
                  <Route path="/login" element={<LoginPage />} />
                  <Route path="/invite/:token" element={<InvitePage />} />
                  <Route
                    element={
                      <RequireSession>
                        <Shell />
                      </RequireSession>
                    }
                  >
                    <Route index element={<MonthPage />} />
                    <Route path="contacts" element={<ContactsPage />} />
                    <Route path="audiences" element={<AudiencesPage />} />
                    <Route path="audiences/new" element={<AudienceEditPage />} />
                    <Route path="audiences/:id" element={<AudienceEditPage />} />
                    <Route path="campaigns" element={<CampaignsPage />} />
                    <Route path="campaigns/new" element={<CampaignEditPage />} />
                    <Route path="campaigns/:id" element={<CampaignEditPage />} />
                    <Route path="approvals" element={<ApprovalsPage />} />
                    <Route path="runs" element={<RunsPage />} />
                    <Route path="audit" element={<AuditPage />} />
                    <Route path="admin" element={<AdminPage />} />
                    <Route path="*" element={<Navigate to="/" replace />} />
                  </Route>
                </Routes>
              </Suspense>
            </AuthProvider>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
