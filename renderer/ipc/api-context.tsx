import { createContext, useContext, type ReactNode } from 'react';
import type { ApprenticeApi } from '../../shared/ipc/contract';
import type { ApiHandle } from './create-api';

const ApiContext = createContext<ApiHandle | null>(null);

export function ApiProvider({ handle, children }: { handle: ApiHandle; children: ReactNode }) {
  return <ApiContext.Provider value={handle}>{children}</ApiContext.Provider>;
}

export function useApiHandle(): ApiHandle {
  const handle = useContext(ApiContext);
  if (!handle) throw new Error('useApi outside ApiProvider');
  return handle;
}

export function useApi(): ApprenticeApi {
  return useApiHandle().api;
}
