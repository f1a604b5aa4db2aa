import type { ProgressEvent, SignalSample } from '../../shared/protocol/box-stream';
import type { TurnRecord } from './turn-log';
import type { Withdrawal } from './withdrawal-log';

/** What other box modules can listen to. Listeners run after the fact and cannot veto it. */
export interface GatewayHookEvents {
  /**
   * A new sample was durably stored (duplicates do not fire). The ids and `bodyChars` (the length of
   * its stored JSON) come with it: a listener that needs only those should not touch `sample`, which
   * for a large sample is read from the sample log when first touched.
   */
  sampleStored: {
    sample: SignalSample;
    clientId: string;
    receivedAt: number;
    sampleId?: string;
    personaId?: string;
    turnId?: string;
    supersedes?: string | null;
    bodyChars?: number;
  };
  /** A chat turn finished (complete, error or aborted) and is in the turn log. */
  turnFinished: TurnRecord;
  /** A progress event was stored and broadcast. */
  progressPublished: ProgressEvent;
  /** The user removed a signal: its sample must not train (a repeat of a known withdrawal does not fire). */
  sampleWithdrawn: Withdrawal;
}

export type HookListener<K extends keyof GatewayHookEvents> = (payload: GatewayHookEvents[K]) => void | Promise<void>;

/**
 * A small typed event hub. Unlike a bare EventEmitter, a listener that throws (or rejects) is
 * reported to `onListenerError` and never breaks the gateway path that emitted: an ack, a reply.
 */
export class GatewayHooks {
  private readonly listeners: { [K in keyof GatewayHookEvents]: Set<HookListener<K>> } = {
    sampleStored: new Set(),
    turnFinished: new Set(),
    progressPublished: new Set(),
    sampleWithdrawn: new Set(),
  };

  constructor(private readonly onListenerError: (event: string, error: unknown) => void) {}

  /** Returns a function that removes the listener. */
  on<K extends keyof GatewayHookEvents>(event: K, listener: HookListener<K>): () => void {
    const set = this.listeners[event] as Set<HookListener<K>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof GatewayHookEvents>(event: K, payload: GatewayHookEvents[K]): void {
    for (const listener of this.listeners[event] as Set<HookListener<K>>) {
      try {
        const result = listener(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.onListenerError(event, error));
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }
}
