import type { Me, User } from '@earshot/protocol';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api } from './api';
import { currentLanguage, setLanguage } from './i18n';

/**
 * The account's language (Settings, on any device) wins over this device's; an account that has
 * none yet is told the one this app shows, so that its pushes come in it.
 */
function followLanguage(user: Me) {
  if (user.language && user.language !== currentLanguage()) void setLanguage(user.language);
  else if (!user.language) void api.updateMe({ language: currentLanguage() }).catch(() => {});
}

type Session = {
  /** undefined while loading, null when signed out. `moderator` and `suspended` come from GET /api/me. */
  user: Me | null | undefined;
  /** After a log in or a profile change; flags the answer lacks are kept (same person) and fetched again. */
  setUser: (user: User | Me | null) => void;
  refresh: () => Promise<void>;
};

const SessionContext = createContext<Session | null>(null);

const isMe = (user: User | Me): user is Me => 'moderator' in user && 'suspended' in user;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUserState] = useState<Me | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const { user } = await api.me();
      followLanguage(user);
      setUserState(user);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setUserState(null);
      else setUserState((current) => (current === undefined ? null : current));
    }
  }, []);

  const setUser = useCallback(
    (next: User | Me | null) => {
      if (!next || isMe(next)) {
        setUserState(next);
        return;
      }
      setUserState((current) => ({
        moderator: current?.id === next.id ? current.moderator : false,
        suspended: current?.id === next.id ? current.suspended : false,
        language: current?.id === next.id ? current.language : null,
        ...next,
      }));
      void refresh();
    },
    [refresh],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const value = useMemo(() => ({ user, setUser, refresh }), [user, setUser, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>');
  return session;
}
