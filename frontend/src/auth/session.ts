// The session as React sees it: a subscription to the API client's state.
import { useSyncExternalStore } from 'react';
import { api, type SessionState } from '../api/client';
import type { Me } from '../api/types';

export function useSession(): SessionState {
  return useSyncExternalStore(api.subscribe, api.getSession, api.getSession);
}

/** The signed-in user; only for screens rendered behind the sign-in. */
export function useMe(): Me {
  const { user } = useSession();
  if (!user) throw new Error('useMe outside a signed-in screen');
  return user;
}

/** Where each role lands after signing in. */
export function homeOf(role: Me['role']): string {
  switch (role) {
    case 'director':
      return '/';
    case 'em':
      return '/feedback';
    case 'peer':
      return '/inbox';
    case 'admin':
      return '/people';
  }
}
