import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Spin } from 'antd';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, setUnauthorizedHandler, tokenStore } from './api.ts';
import { setTimeZone } from './format.ts';
import { LoginNotice } from './layout/LoginNotice.tsx';
import type { Me } from './wire-types.ts';

interface AuthValue {
  token: string | null;
  me: Me | undefined;
  /** why the caller's profile did not load (a 401 has already signed out) */
  meError: Error | null;
  signIn(token: string): void;
  signOut(): Promise<void>;
  can(permission: string): boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState(tokenStore.get);
  const forget = useCallback(() => {
    tokenStore.clear();
    setToken(null);
    queryClient.clear();
  }, [queryClient]);
  useEffect(() => setUnauthorizedHandler(forget), [forget]);

  const me = useQuery({
    queryKey: ['me', token],
    queryFn: () => api.get<Me>('/me'),
    enabled: token !== null,
    staleTime: 5 * 60_000,
  });
  if (me.data) setTimeZone(me.data.merchant.time_zone);

  const value: AuthValue = {
    token,
    me: me.data,
    meError: me.error,
    signIn(next) {
      tokenStore.set(next);
      setToken(next);
    },
    async signOut() {
      await api.post('/auth/logout').catch(() => undefined);
      forget();
    },
    can: (permission) => me.data?.actor.permissions.includes(permission) ?? false,
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** Pages behind the login: no token → the login page; the caller's profile loads first. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { token, me, meError, signOut } = useAuth();
  const location = useLocation();
  if (!token) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  // an Alert, not a Result: Result's illustrations would weigh on every first load
  if (meError && !me)
    return (
      <Alert
        type="error"
        showIcon
        title={meError.message}
        action={<Button onClick={() => void signOut()}>OK</Button>}
        style={{ maxWidth: 480, margin: '96px auto' }}
      />
    );
  if (!me) return <Spin size="large" fullscreen />;
  return (
    <>
      {children}
      <LoginNotice me={me} token={token} />
    </>
  );
}
