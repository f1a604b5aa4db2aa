import type { EventName, EventPayload } from '../../shared/ipc/contract';

type AnyListener = (payload: never) => void;

/** Typed fan-out of core events to windows / ws clients; a throwing listener cannot stop the others. */
export class CoreEvents {
  private readonly listeners = new Map<EventName, Set<AnyListener>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as AnyListener);
    return () => set.delete(listener as AnyListener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (p: EventPayload<E>) => void)(payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
