import type { Message } from '../../shared/domain';
import { CoreError } from './core-error';

/**
 * Only replies that finished can train. A reply that ended in an error — including one whose
 * stream was cut off (no finish_reason, no [DONE]) and kept for reading — is an unknown fragment of
 * what the model would have said: a reward or hint on it would teach the wrong thing.
 */
export function isTrainableReply(reply: Message): boolean {
  return reply.role === 'assistant' && reply.status !== 'error' && reply.status !== 'streaming' && reply.truncation !== 'cut_off';
}

/** Throws a conflict the user can read when a signal would be recorded on an unfinished reply. */
export function assertTrainableReply(reply: Message): void {
  if (isTrainableReply(reply)) return;
  throw new CoreError(
    'conflict',
    reply.truncation === 'cut_off'
      ? 'This reply was cut off before it finished, so it is not used for training; regenerate it to get a whole reply.'
      : 'This reply did not finish, so it is not used for training; regenerate it to get a whole reply.',
  );
}
