import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type {
  SessionResponse,
  SetupStatusResponse,
  UserView,
} from '../../src/contracts/accounts.ts';
import { api, ApiError, onUnauthenticated, setCsrfToken } from './api.ts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'unreachable'; message: string }
  | { status: 'needs-owner' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'authenticated'; user: UserView };

interface SessionApi {
  state: SessionState;
  /** Call with the body of a successful login, setup or password change. */
  signedIn: (session: SessionResponse) => void;
  logOut: () => Promise<void>;
  reload: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

/** Loads who is logged in (or whether Steady still needs its owner) and shares it. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const reload = useCallback(async () => {
    try {
      const setup = await api<SetupStatusResponse>('GET', '/api/setup');
      if (setup.needsOwner) {
        setState({ status: 'needs-owner' });
        return;
      }
      const session = await api<SessionResponse>('GET', '/api/auth/session');
      setCsrfToken(session.csrfToken);
      setState({ status: 'authenticated', user: session.user });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401)
        setState({ status: 'anonymous', expired: false });
      else
        setState({
          status: 'unreachable',
          message: error instanceof Error ? error.message : 'Steady is not reachable.',
        });
    }
  }, []);

  useEffect(() => {
    void reload();
    return onUnauthenticated(() => {
      setCsrfToken(null);
      setState((s) => (s.status === 'authenticated' ? { status: 'anonymous', expired: true } : s));
    });
  }, [reload]);

  const signedIn = useCallback((session: SessionResponse) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'authenticated', user: session.user });
  }, []);

  const logOut = useCallback(async () => {
    try {
      await api('POST', '/api/auth/logout');
    } finally {
      setCsrfToken(null);
      setState({ status: 'anonymous', expired: false });
    }
  }, []);

  return (
    <SessionContext.Provider value={{ state, signedIn, logOut, reload }}>
      {children}
    </SessionContext.Provider>
  );
}

/** The session API; only inside SessionProvider. */
export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The logged-in user; only inside the authenticated part of the app. */
export function useCurrentUser(): UserView {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useCurrentUser without a session');
  return state.user;
}
