import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/**
 * Measures the page's main-thread tasks through Chromium's trace: for each task both its wall time
 * and its CPU time on the main thread. The long-task API only sees wall time, which on a shared,
 * loaded machine also counts the time other processes held the CPU; CPU time does not, so budgets
 * are checked on it and wall times are reported beside it.
 */
export interface TaskSummary {
  /** Longest task by CPU time on the renderer's main thread (ms). */
  longestCpuMs: number;
  /** Longest task by wall time (ms). */
  longestWallMs: number;
  /** Tasks over 50 ms of CPU time. */
  longCpuTasks: number;
  /** CPU time of all main-thread tasks (ms). */
  totalCpuMs: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

export interface MainThreadRecorder {
  stop(): Promise<TaskSummary>;
}

export async function recordMainThreadTasks(context: BrowserContext, page: Page): Promise<MainThreadRecorder> {
  const cdp: CDPSession = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: 'toplevel,__metadata', transferMode: 'ReportEvents' });
  return {
    async stop() {
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      const mainThreads = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
      const tasks = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mainThreads.has(`${e.pid}:${e.tid}`));
      const cpu = tasks.map((t) => (t.tdur ?? 0) / 1000);
      const wall = tasks.map((t) => (t.dur ?? 0) / 1000);
      return {
        longestCpuMs: Math.round(Math.max(0, ...cpu)),
        longestWallMs: Math.round(Math.max(0, ...wall)),
        longCpuTasks: cpu.filter((ms) => ms > 50).length,
        totalCpuMs: Math.round(cpu.reduce((a, b) => a + b, 0)),
      };
    },
  };
}
