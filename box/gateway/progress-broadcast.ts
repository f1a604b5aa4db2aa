import type { ProgressEvent } from '../../shared/protocol/box-stream';
import type { GatewayHooks } from './gateway-hooks';
import type { NewProgressEvent, ProgressLog } from './progress-log';
import type { StreamIngest } from './stream-ingest';

/**
 * Publishes a progress event: stores it first (so an app that is offline now gets it on its next
 * hello), then sends it to every connected app and fires `progressPublished`.
 */
export function publishProgress(
  deps: { progressLog: ProgressLog; ingest: StreamIngest; hooks: GatewayHooks },
  input: NewProgressEvent,
): ProgressEvent {
  const event = deps.progressLog.append(input);
  deps.ingest.broadcast({ type: 'progress', event });
  deps.hooks.emit('progressPublished', event);
  return event;
}
