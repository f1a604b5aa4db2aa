import type { FromWorker } from './types';

/**
 * Fan-out of worker messages to the core's listeners. Messages that arrive before the first
 * listener is attached are kept and handed to it, so nothing posted during start-up is lost.
 */
export class PortListeners {
  private readonly listeners: Array<(message: FromWorker) => void> = [];
  private backlog: FromWorker[] = [];

  add(listener: (message: FromWorker) => void): void {
    this.listeners.push(listener);
    if (this.listeners.length === 1 && this.backlog.length > 0) {
      const backlog = this.backlog;
      this.backlog = [];
      for (const message of backlog) listener(message);
    }
  }

  emit(message: FromWorker): void {
    if (this.listeners.length === 0) {
      this.backlog.push(message);
      return;
    }
    for (const listener of this.listeners) listener(message);
  }
}
