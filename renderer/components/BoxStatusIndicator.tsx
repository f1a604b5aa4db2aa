import { useEffect, useState } from 'react';
import type { BoxConnectionState } from '../../shared/domain';
import { useBoxStatus } from '../data/queries';
import { retrySecondsLeft } from '../data/retry-countdown';

const LABEL: Record<BoxConnectionState, string> = {
  unconfigured: 'Box not set up',
  connecting: 'Connecting…',
  connected: 'Box connected',
  disconnected: 'Box offline',
  unauthorized: 'Token rejected',
  incompatible: 'Box incompatible',
};

/** Always visible in the top bar: link state, what it means, and what is waiting to be delivered. */
export function BoxStatusIndicator({ onOpenSettings }: { onOpenSettings: () => void }) {
  const { data, error } = useBoxStatus();
  const [now, setNow] = useState(() => Date.now());
  const retryInMs = data?.status.retryInMs ?? null;

  useEffect(() => {
    if (retryInMs === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [retryInMs, data?.receivedAt]);

  if (!data) {
    return (
      <button type="button" className="box-status" data-state="connecting" data-testid="box-status" onClick={onOpenSettings}>
        <span className="dot" aria-hidden />
        <span className="box-status-label">{error ? 'Box status unavailable' : 'Loading…'}</span>
      </button>
    );
  }
  const { status, receivedAt } = data;
  const seconds = retrySecondsLeft(status.retryInMs, receivedAt, now);
  return (
    <button
      type="button"
      className="box-status"
      data-state={status.state}
      data-testid="box-status"
      title={status.detail}
      onClick={onOpenSettings}
    >
      <span className="dot" aria-hidden />
      <span className="box-status-label">{LABEL[status.state]}</span>
      <span className="box-status-detail" data-testid="box-status-detail">
        {status.detail}
        {seconds !== null && status.state !== 'connected' ? ` · retry in ${seconds}s` : ''}
      </span>
      <span className="box-status-counts" data-testid="box-status-counts">
        <span title="Waiting to be acknowledged by the box">{status.pending} pending</span>
        <span title="Held until you review their hint">{status.held} held</span>
        <span title="Acknowledged by the box">{status.acked} acked</span>
        {status.policyVersion ? <span title="Policy version">v {status.policyVersion}</span> : null}
      </span>
    </button>
  );
}
