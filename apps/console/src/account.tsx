// The LINE account the screens are about (most organisations have one or two), chosen in the header.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from './api/client';
import type { LineAccount } from './api/types';

interface AccountState {
  accounts: LineAccount[];
  account: LineAccount | null;
  loading: boolean;
  select(id: string): void;
}

const AccountContext = createContext<AccountState | null>(null);
const STORAGE_KEY = 'lcm.account';

export function AccountProvider({ children }: { children: ReactNode }) {
  const query = useQuery({
    queryKey: ['line-accounts'],
    queryFn: () => call(api.GET('/api/v1/line-accounts', { params: { query: { limit: 100 } } })),
  });
  const [selected, setSelected] = useState<string | null>(() => localStorage.getItem(STORAGE_KEY));
  const accounts = useMemo(() => query.data?.items ?? [], [query.data]);
  const account = accounts.find((a) => a.id === selected) ?? accounts[0] ?? null;
  useEffect(() => {
    if (account && account.id !== selected) setSelected(account.id);
  }, [account, selected]);
  const value = useMemo<AccountState>(
    () => ({
      accounts,
      account,
      loading: query.isLoading,
      select: (id) => {
        localStorage.setItem(STORAGE_KEY, id);
        setSelected(id);
      },
    }),
    [accounts, account, query.isLoading],
  );
  return <AccountContext.Provider value={value}>{children}</AccountContext.Provider>;
}

export function useAccount(): AccountState {
  const state = useContext(AccountContext);
  if (!state) throw new Error('useAccount outside AccountProvider');
  return state;
}
