// Who is signed in: the session the service keeps (an httpOnly cookie the page never reads), and
// the CSRF token that goes with it.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, request, setCsrfToken, setUnauthorizedHandler } from './api/client';
import type { Role, SessionUser } from './api/types';

interface SessionAnswer {
  user: SessionUser;
  csrfToken: string;
}

interface AuthState {
  user: SessionUser | null;
  loading: boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  can(...roles: Role[]): boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [loading, setLoading] = useState(true);
  const queryClient = useQueryClient();

  const accept = useCallback((answer: SessionAnswer | null) => {
    setCsrfToken(answer?.csrfToken ?? null);
    setUser(answer?.user ?? null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      accept(null);
      queryClient.clear();
    });
    request<SessionAnswer>('GET', '/api/v1/auth/session')
      .then(accept)
      .catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) console.error(error);
        accept(null);
      })
      .finally(() => setLoading(false));
    return () => setUnauthorizedHandler(null);
  }, [accept, queryClient]);

  const value = useMemo<AuthState>(
    () => ({
      user,
      loading,
      signIn: async (email, password) => {
        accept(await request<SessionAnswer>('POST', '/api/v1/auth/login', { email, password }));
        queryClient.clear();
      },
      signOut: async () => {
        await request('POST', '/api/v1/auth/logout').catch(() => undefined);
        accept(null);
        queryClient.clear();
      },
      can: (...roles) => !!user && roles.includes(user.role),
    }),
    [user, loading, accept, queryClient],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
