/**
 * What the gateway knows about the policy SGLang serves: its weight version, and whether a weight
 * update is under way. While one is, new chat requests wait (up to a limit) instead of failing;
 * the training helper flips the state around each weight push.
 *
 * It also counts the work running on the policy engine right now, so a weight push can wait for it:
 * chat replies (slime pauses SGLang in its default "abort" mode, which cuts every running reply) and,
 * where the training side registers them, sample builds (a colocated engine is released for a step
 * only once no request runs). And it keeps the durations of recent updates to tell waiting clients
 * when replies are likely to resume.
 */

export interface EngineWork {
  replies: number;
  builds: number;
}
const KEPT_DURATIONS = 5;

export class PolicyState {
  private currentVersion: string | null;
  private updating = false;
  private updateStartedAt = 0;
  private readonly recentDurationsMs: number[] = [];
  private waiters = new Set<() => void>();
  private readonly work: EngineWork = { replies: 0, builds: 0 };
  private idleWaiters = new Set<() => void>();

  constructor(
    initialVersion: string | null = null,
    private readonly now: () => number = Date.now,
  ) {
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

  /** Chat replies SGLang is producing right now. */
  get activeReplies(): number {
    return this.work.replies;
  }

  /** Sample builds registered as running on the policy engine right now. */
  get activeBuilds(): number {
    return this.work.builds;
  }

  setVersion(version: string | null): void {
    this.currentVersion = version;
  }

  /** New chat requests wait from now until `finishWeightUpdate`. */
  beginWeightUpdate(): void {
    if (!this.updating) this.updateStartedAt = this.now();
    this.updating = true;
  }

  /**
   * Releases waiting chat requests; pass the new version when the update produced one. `completed`
   * false: the hold was lifted without the update finishing (a trainer gone quiet), so its length
   * says nothing about how long updates take.
   */
  finishWeightUpdate(version?: string | null, completed = true): void {
    if (version !== undefined) this.setVersion(version);
    if (this.updating && completed) {
      this.recentDurationsMs.push(this.now() - this.updateStartedAt);
      if (this.recentDurationsMs.length > KEPT_DURATIONS) this.recentDurationsMs.shift();
    }
    this.updating = false;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /**
   * About how long until chat is served again: the mean of the last few updates' lengths minus the
   * time this one has run. null when serving, when nothing is known yet, or once this update has
   * outlasted the usual.
   */
  expectedResumeInMs(): number | null {
    if (!this.updating || this.recentDurationsMs.length === 0) return null;
    const typical = this.recentDurationsMs.reduce((a, b) => a + b, 0) / this.recentDurationsMs.length;
    const left = Math.round(typical - (this.now() - this.updateStartedAt));
    return left > 0 ? left : null;
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

  /** Counts one reply as streaming from SGLang; call the returned function (once) when it ends. */
  beginReply(): () => void {
    return this.begin('replies');
  }

  /** Counts one sample build as using the policy engine; call the returned function (once) when it ends. */
  beginBuild(): () => void {
    return this.begin('builds');
  }

  private begin(kind: keyof EngineWork): () => void {
    this.work[kind]++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.work[kind]--;
      if (this.work.replies + this.work.builds > 0) return;
      const waiters = this.idleWaiters;
      this.idleWaiters = new Set();
      for (const wake of waiters) wake();
    };
  }

  /** Resolves with what still runs once nothing does, or after `timeoutMs`. */
  waitForEngineIdle(timeoutMs: number, signal?: AbortSignal): Promise<EngineWork> {
    const snapshot = (): EngineWork => ({ ...this.work });
    if (this.work.replies + this.work.builds === 0 || timeoutMs <= 0) return Promise.resolve(snapshot());
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(finish);
        signal?.removeEventListener('abort', finish);
        resolve(snapshot());
      };
      const timer = setTimeout(finish, timeoutMs);
      this.idleWaiters.add(finish);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }
}
