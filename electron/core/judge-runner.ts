import { combineVerdicts, createJudge, shouldAskJudge } from '../signals';
import type { FollowUpInput, SignalVerdict } from '../signals/types';
import type { CoreContext } from './core-context';
import { firstServedModel } from '../policy/list-models';
import { resolveJudgeTarget } from './policy-target';
import { publishRecordedSignal } from './publish-recorded-signal';
import { clip, recordSignal } from './signal-recorder';

export interface JudgeRequest {
  /** The stored heuristic signal the judge may overrule. */
  signalId: string;
  input: FollowUpInput;
  heuristic: SignalVerdict;
}

/**
 * Asks the optional LLM judge about a turn after its heuristic verdict is stored; chat never waits.
 * When the combined verdict differs, a 'judge' signal supersedes the heuristic one (new outbox row
 * with `supersedes`). Failures become timeline 'error' events and leave the heuristic result in place.
 */
export class JudgeRunner {
  private readonly running = new Set<Promise<void>>();
  /** Aborted on close, so shutdown does not wait for a judge that is slow or never answers. */
  private readonly shutdown = new AbortController();
  private closed = false;

  constructor(private readonly ctx: CoreContext) {}

  schedule(request: JudgeRequest): void {
    const mode = this.ctx.settings.get().judge.mode;
    if (this.closed || mode === 'off' || !shouldAskJudge(request.heuristic, mode)) return;
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
          (await firstServedModel({
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
      return;
    }
    if (this.closed) return;
    if (verdict.votes.every((v) => v === null) && verdict.errors.length > 0) {
      this.reportError(personaId, request.signalId, heuristicSignal.messageId, verdict.errors[0] ?? 'no valid vote');
      return;
    }
    const combined = combineVerdicts(request.heuristic, verdict, settings.judge.mode);
    const changed =
      combined.source === 'judge' &&
      (combined.label !== request.heuristic.label ||
        combined.reward !== request.heuristic.reward ||
        combined.hint !== request.heuristic.hint);
    if (!changed) return;

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
        evidence: [...combined.evidence, `judge votes: ${verdict.votes.map((v) => (v === null ? '∅' : String(v))).join(' ')}`],
        triggerMessageId: current.triggerMessageId,
        nextState: trigger ? { role: 'user', content: trigger.content } : null,
        hint: combined.hint ? { text: combined.hint, source: combined.hint === request.heuristic.hint ? 'rule' : 'judge' } : null,
        supersede: [current],
      });
    })();
    if (recorded) publishRecordedSignal(this.ctx, recorded);
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
