import './zod-without-eval';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { ApiProvider } from './ipc/api-context';
import { createApi } from './ipc/create-api';
import { UiStoreProvider } from './state/ui-store-context';
import { createUiStore } from './state/ui-store';
import { applyThemePreference, readThemePreference } from './state/theme-preference';
import './styles/app.css';

applyThemePreference(readThemePreference());

const root = createRoot(document.getElementById('root')!);
const setup = createApi();

if (!setup.ok) {
  root.render(
    <div className="fatal" role="alert">
      <h1>Apprentice can’t reach its core</h1>
      <p>{setup.problem}</p>
    </div>,
  );
} else {
  const queryClient = new QueryClient({
    defaultOptions: {
      // Data changes only through the core, and its events invalidate what changed.
      queries: { refetchOnWindowFocus: false, retry: 1, staleTime: 5_000 },
      mutations: { retry: 0 },
    },
  });
  root.render(
    <StrictMode>
      <ApiProvider handle={setup.handle}>
        <QueryClientProvider client={queryClient}>
          <UiStoreProvider store={createUiStore()}>
            <App />
          </UiStoreProvider>
        </QueryClientProvider>
      </ApiProvider>
    </StrictMode>,
  );
}
