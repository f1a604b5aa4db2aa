/**
 * Headers the app adds to OpenAI-compatible chat requests sent to the box gateway, so the gateway
 * can keep the sampled token ids and log-probs with the turn. Other servers ignore them.
 */
export const CHAT_HEADER_PERSONA = 'x-apprentice-persona';
export const CHAT_HEADER_CONVERSATION = 'x-apprentice-conversation';
export const CHAT_HEADER_TURN = 'x-apprentice-turn';
/** Set by the gateway on replies: the weight version that served the turn. */
export const CHAT_HEADER_POLICY_VERSION = 'x-apprentice-policy-version';
/**
 * Sent by the app with streamed chat requests: while the box trains or loads weights, hold the request
 * and say so inside the stream (shared/protocol/chat-learning-notice.ts) instead of answering 503 after
 * a short wait. Clients without it keep the plain wait-then-503 behaviour.
 */
export const CHAT_HEADER_ACCEPT_NOTICES = 'x-apprentice-accept-notices';
export const CHAT_ACCEPT_NOTICES_LEARNING = 'learning';
