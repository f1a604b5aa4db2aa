import type { InferredLabel, Reward } from '../../shared/domain';
import { describeTally, tallyVotes } from '../../shared/judge-votes';
import { createJudge, isTrainableWithoutJudge } from '../signals';
import type { FollowUpInput, JudgeVerdict, SignalVerdict } from '../signals/types';
import type { CoreContext } from './core-context';
import { appJudgeRuns } from './judge-availability';
import { resolveJudgeTarget } from './policy-target';
import { publishRecordedSignal } from './publish-recorded-signal';
import { clip, recordSignal } from './signal-recorder';
import { detectorFate, judgedFate } from './signal-trust';

export interface JudgeRequest {
  /** The stored heuristic signal the judge may overrule. */
  signalId: string;
  input: FollowUpInput;
  heuristic: SignalVerdict;
}

/**
 * Asks the app's LLM judge about a turn after its heuristic verdict is stored; chat never waits (see
 * judge-availability.ts for when it runs). The judge's majority decides (a tie is 0): a 'judge' signal
 * supersedes the heuristic one (new outbox row with `supersedes`), and the heuristic verdict stays as
 * evidence. Failures become timeline 'error' events; the heuristic signal then falls back to the
 * no-judge rule (unless a box's judge will still decide it).
 */
export class JudgeRunner {
  private readonly running = new Set<Promise<void>>();
  /** Aborted on close, so shutdown does not wait for a judge that is slow or never answers. */
  private readonly shutdown = new AbortController();
  private closed = false;

  constructor(private readonly ctx: CoreContext) {}

  schedule(request: JudgeRequest): void {
    if (this.closed || !appJudgeRuns(this.ctx.settings.get(), request.heuristic)) return;
    const run = this.run(request).catch((error: unknown) => this.ctx.log('error', `judge run failed: ${String(error)}`));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Resolves when every judge call started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.shutdown.abort();
    await this.idle();
  }

  private async run(request: JudgeRequest): Promise<void> {
    const settings = this.ctx.settings.get();
    const target = resolveJudgeTarget(settings, await this.ctx.tokenVault.get(), this.ctx.endpointKeys);
    if (this.closed) return;
    const heuristicSignal = this.ctx.store.signals.get(request.signalId);
    if (!heuristicSignal) return;
    const personaId = heuristicSignal.personaId;
    if (!target.endpoint) {
      this.reportError(personaId, request.signalId, heuristicSignal.messageId, 'No judge endpoint is configured (judge, policy and box URLs are empty).');
      return;
    }
    let verdict;
    try {
      const judge = createJudge({
        endpoint: target.endpoint,
        // No model chosen: ask for the one the server lists first (there is no name every server accepts).
        model:
          target.model ||
          (await this.ctx.servedModels.modelFor({
            endpoint: target.endpoint,
            apiKey: target.apiKey,
            credential: target.credential,
            fetch: this.ctx.fetch,
            signal: this.shutdown.signal,
            timeoutMs: settings.judge.timeoutMs,
          })),
        votes: settings.judge.votes,
        timeoutMs: settings.judge.timeoutMs,
        apiKey: target.apiKey ?? undefined,
        fetch: this.ctx.fetch,
      });
      verdict = await judge.judge(request.input, this.shutdown.signal);
    } catch (error) {
      this.reportError(personaId, request.signalId, heuristicSignal.messageId, error instanceof Error ? error.message : String(error));
      this.fallBackToDetector(request);
      return;
    }
    if (this.closed) return;
    if (verdict.votes.every((v) => v === null) && verdict.errors.length > 0) {
      this.reportError(personaId, request.signalId, heuristicSignal.messageId, verdict.errors[0] ?? 'no valid vote');
      this.fallBackToDetector(request);
      return;
    }
    const combined = judgeDecision(request.heuristic, verdict);
    const tally = tallyVotes(verdict.votes);

    const { store } = this.ctx;
    const recorded = store.db.transaction(() => {
      const current = store.signals.get(request.signalId);
      // An explicit signal (or an earlier judge run) replaced it meanwhile: that one stands.
      if (!current || current.supersededBy !== null) return null;
      const persona = store.personas.get(current.personaId);
      const reply = store.messages.get(current.messageId);
      if (!persona || !reply) return null;
      const trigger = current.triggerMessageId ? store.messages.get(current.triggerMessageId) : null;
      return recordSignal(store, {
        persona,
        reply,
        kind: combined.label,
        reward: combined.reward,
        confidence: combined.confidence,
        source: 'judge',
        evidence: [
          ...request.heuristic.evidence,
          `judge:${combined.reward} (${describeTally(tally)})`,
          `judge votes: ${verdict.votes.map((v) => (v === null ? '∅' : String(v))).join(' ')}`,
        ],
        triggerMessageId: current.triggerMessageId,
        nextState: trigger ? { role: 'user', content: trigger.content } : null,
        hint: combined.hint ? { text: combined.hint, source: combined.hint === request.heuristic.hint ? 'rule' : 'judge' } : null,
        supersede: [current],
        trust: { decidedBy: 'judge', judgeTally: tally, fate: judgedFate(reply, combined.reward, combined.hint) },
      });
    })();
    if (recorded) publishRecordedSignal(this.ctx, recorded);
  }

  /**
   * The app's judge could not vote. Without a box (whose judge still decides) the heuristic signal is
   * settled by the no-judge rule: it trains only in a confidence bucket trusted alone.
   */
  private fallBackToDetector(request: JudgeRequest): void {
    if (this.closed || this.ctx.settings.get().box.url) return;
    const { store } = this.ctx;
    const signal = store.signals.get(request.signalId);
    if (!signal || signal.fate !== 'awaiting_judge') return;
    const fate = detectorFate(request.heuristic, isTrainableWithoutJudge(request.heuristic));
    if (store.signals.updateTrust(signal.id, { decidedBy: 'detector', judgeTally: null, fate })) {
      this.ctx.events.emit('signals:changed', { conversationId: signal.conversationId, messageId: signal.messageId });
    }
  }

  private reportError(personaId: string, signalId: string, messageId: string, message: string): void {
    if (this.closed) return;
    try {
      const event = this.ctx.store.timeline.append({
        id: `error:judge:${signalId}`,
        personaId,
        kind: 'error',
        sampleId: signalId,
        messageId,
        summary: `Judge failed, kept the heuristic verdict: ${clip(message, 200)}`,
        data: { source: 'judge', signalId, error: message },
      });
      if (event) this.ctx.events.emit('timeline:appended', event);
    } catch (error) {
      this.ctx.log('error', `could not record judge failure: ${String(error)}`);
    }
  }
}

/**
 * The judge's majority is the reward (a tie, or no valid vote, is 0). The heuristic's label stays when
 * the judge agrees with its polarity; its rule hint stays only where the judge found a failure; the
 * judge's own hint fills in on turns that were not good.
 */
function judgeDecision(heuristic: SignalVerdict, judge: JudgeVerdict): { label: InferredLabel; reward: Reward; confidence: number; hint: string | null } {
  const reward = judge.score;
  const valid = judge.votes.filter((v): v is Reward => v !== null);
  const agreeing = valid.filter((v) => v === reward).length;
  const label: InferredLabel =
    reward === heuristic.reward ? heuristic.label : reward === 1 ? 'positive' : reward === 0 ? 'neutral' : judge.hint ? 'correction' : 'negative_other';
  const hint = reward === -1 ? (heuristic.hint ?? judge.hint) : reward === 0 ? judge.hint : null;
  const confidence = valid.length === 0 ? 0 : Math.round((agreeing / judge.votes.length) * 100) / 100;
  return { label, reward, confidence, hint };
}
