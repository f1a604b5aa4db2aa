import { useEffect, useState } from 'react';
import { useApiHandle } from '../ipc/api-context';
import type { ConnectionStatus } from '../ipc/ws-ipc-client';

/** Browser mode only: says so when the page lost its link to the app core, and when it retries. */
export function ConnectionBanner() {
  const { connection } = useApiHandle();
  const [status, setStatus] = useState<ConnectionStatus | null>(() => connection?.status() ?? null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => connection?.onStatus(setStatus), [connection]);
  useEffect(() => {
    if (status?.state !== 'reconnecting') return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [status?.state]);
  if (!status || status.state === 'open' || (status.state === 'connecting' && status.opens === 0)) return null;
  const seconds = status.nextAttemptAt ? Math.max(0, Math.ceil((status.nextAttemptAt - now) / 1000)) : null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      Lost the connection to the Apprentice core{status.lastError ? ` (${status.lastError})` : ''}.{' '}
      {status.state === 'closed' ? 'Reload the page.' : seconds !== null ? `Reconnecting in ${seconds}s…` : 'Reconnecting…'}
    </div>
  );
}
