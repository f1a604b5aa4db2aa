/**
 * Headers the app adds to OpenAI-compatible chat requests sent to the box gateway, so the gateway
 * can keep the sampled token ids and log-probs with the turn. Other servers ignore them.
 */
export const CHAT_HEADER_PERSONA = 'x-apprentice-persona';
export const CHAT_HEADER_CONVERSATION = 'x-apprentice-conversation';
export const CHAT_HEADER_TURN = 'x-apprentice-turn';
/** Set by the gateway on replies: the weight version that served the turn. */
export const CHAT_HEADER_POLICY_VERSION = 'x-apprentice-policy-version';
