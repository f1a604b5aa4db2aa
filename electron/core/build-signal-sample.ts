import { ExplicitKindSchema, type Message, type Persona, type Signal } from '../../shared/domain';
import type { SignalSample } from '../../shared/protocol/box-stream';
import { policyMessages } from './policy-messages';

export interface SignalSampleInput {
  persona: Persona;
  signal: Signal;
  /** The visible thread before the judged reply. */
  context: readonly Pick<Message, 'role' | 'content' | 'editedContent'>[];
  reply: Message;
  nextState: SignalSample['nextState'];
  /** Only an approved or automatic hint; null while one awaits review or after it was rejected. */
  hint: string | null;
  supersedes: string | null;
  /** Inferred signals: whether a judge-less box may train the detector's reward (isTrainableWithoutJudge). */
  trainableWithoutJudge?: boolean;
}

/**
 * A sample's `messages`: what the policy saw before the reply. The box needs at least one message; a
 * reply with no context at all still had an (empty) system turn.
 */
export function sampleContextMessages(
  persona: Pick<Persona, 'systemPrompt'>,
  context: readonly Pick<Message, 'role' | 'content' | 'editedContent'>[],
): SignalSample['messages'] {
  const messages = policyMessages(persona, context);
  return messages.length > 0 ? messages : [{ role: 'system', content: '' }];
}

/** The training sample the box receives for one signal (OpenClaw-RL: turn, next state, reward, hint). */
export function buildSignalSample(input: SignalSampleInput): SignalSample {
  const { signal } = input;
  return {
    sampleId: signal.id,
    personaId: signal.personaId,
    conversationId: signal.conversationId,
    turnId: input.reply.id,
    messages: sampleContextMessages(input.persona, input.context),
    response: input.reply.content,
    nextState: input.nextState,
    reward: signal.reward,
    rewardSource: rewardSourceOf(signal),
    signalKind: signal.kind,
    confidence: signal.confidence,
    hint: input.hint,
    supersedes: input.supersedes,
    policyVersion: input.reply.policyVersion,
    createdAt: signal.createdAt,
    ...(input.trainableWithoutJudge === undefined ? {} : { trainableWithoutJudge: input.trainableWithoutJudge }),
    // The box's judge may add a hint of its own only where hints need no review.
    judgeHintAllowed: input.persona.hintMode !== 'review',
  };
}

function rewardSourceOf(signal: Signal): SignalSample['rewardSource'] {
  if (signal.reward === 0) return 'none';
  if (ExplicitKindSchema.safeParse(signal.kind).success) return 'explicit';
  return signal.source === 'judge' ? 'judge' : 'heuristic';
}
