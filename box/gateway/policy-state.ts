/**
 * What the gateway knows about the policy SGLang serves: its weight version, and whether a weight
 * update is under way. While one is, new chat requests wait (up to a limit) instead of failing;
 * the training helper flips the state around each weight push.
 */
export class PolicyState {
  private currentVersion: string | null;
  private updating = false;
  private waiters = new Set<() => void>();

  constructor(initialVersion: string | null = null) {
    this.currentVersion = initialVersion;
  }

  get version(): string | null {
    return this.currentVersion;
  }

  get weightsUpdating(): boolean {
    return this.updating;
  }

  /** Chat requests currently waiting for an update to finish. */
  get waitingRequests(): number {
    return this.waiters.size;
  }

  setVersion(version: string | null): void {
    this.currentVersion = version;
  }

  /** New chat requests wait from now until `finishWeightUpdate`. */
  beginWeightUpdate(): void {
    this.updating = true;
  }

  /** Releases waiting chat requests; pass the new version when the update produced one. */
  finishWeightUpdate(version?: string | null): void {
    if (version !== undefined) this.setVersion(version);
    this.updating = false;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves true as soon as no update is running, false if one still is after `timeoutMs`. */
  waitUntilServing(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.updating) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (serving: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        resolve(serving);
      };
      const wake = (): void => finish(true);
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(!this.updating), timeoutMs);
      this.waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
