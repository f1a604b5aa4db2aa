import type { CoreContext } from './core-context';
import type { RecordedSignal } from './signal-recorder';

/** After the transaction commits: tell windows and wake the sync worker. */
export function publishRecordedSignal(ctx: CoreContext, recorded: RecordedSignal): void {
  for (const event of recorded.timeline) ctx.events.emit('timeline:appended', event);
  ctx.events.emit('signals:changed', { conversationId: recorded.signal.conversationId, messageId: recorded.signal.messageId });
  ctx.nudgeSync();
}
