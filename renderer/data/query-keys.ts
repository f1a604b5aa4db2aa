import type { TimelineKind } from '../../shared/domain';

/** One place for react-query keys, so event handlers invalidate exactly what views read. */
export const queryKeys = {
  appInfo: ['app-info'] as const,
  settings: ['settings'] as const,
  boxStatus: ['box-status'] as const,
  personas: ['personas'] as const,
  conversationsAll: ['conversations'] as const,
  conversations: (personaId: string) => ['conversations', personaId] as const,
  messages: (conversationId: string) => ['messages', conversationId] as const,
  signals: (conversationId: string) => ['signals', conversationId] as const,
  hintsAll: (personaId: string) => ['hints', personaId] as const,
  hints: (personaId: string, status: string) => ['hints', personaId, status] as const,
  timelineAll: (personaId: string) => ['timeline', personaId] as const,
  timeline: (personaId: string, kinds: TimelineKind[]) => ['timeline', personaId, [...kinds].sort().join(',')] as const,
  timelineStats: (personaId: string) => ['timeline-stats', personaId] as const,
  /** Set by the 'chat:waiting' event only (never fetched): the reply waits out a training step. */
  replyWaiting: (messageId: string) => ['reply-waiting', messageId] as const,
};
