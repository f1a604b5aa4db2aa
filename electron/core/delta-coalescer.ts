/**
 * Gathers streamed text and hands it on at most once per interval, so a fast model does not send
 * one IPC message per token. `flush` hands on whatever is waiting right away.
 */
export class DeltaCoalescer {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (text: string) => void,
  ) {}

  push(delta: string): void {
    if (delta === '') return;
    this.pending += delta;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.emit(text);
  }
}
