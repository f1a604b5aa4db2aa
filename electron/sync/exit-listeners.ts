/**
 * The one unexpected exit of a worker, for whoever wants to hear of it: listeners added after it
 * happened are told at once, so a late listener cannot miss a crash during start-up.
 */
export class ExitListeners {
  private readonly listeners: Array<(reason: string) => void> = [];
  private reason: string | null = null;

  add(listener: (reason: string) => void): void {
    if (this.reason !== null) listener(this.reason);
    else this.listeners.push(listener);
  }

  emit(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    for (const listener of this.listeners.splice(0)) listener(reason);
  }
}
