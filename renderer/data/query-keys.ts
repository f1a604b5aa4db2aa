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
  search: (query: string) => ['search', query] as const,
  learningAll: (personaId: string) => ['learning', personaId] as const,
  learningSummary: (personaId: string) => ['learning', personaId, 'summary'] as const,
  learningSignals: (personaId: string) => ['learning', personaId, 'signals'] as const,
  /** Set by the 'chat:waiting' event only (never fetched): the reply waits out a training step. */
  replyWaiting: (messageId: string) => ['reply-waiting', messageId] as const,
};
