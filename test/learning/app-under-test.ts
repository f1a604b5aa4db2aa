import type { Message, Signal } from '../../shared/domain';
import { invokeContract, type InvokeChannel, type InvokeRequest, type InvokeResponse } from '../../shared/ipc/contract';
import { createCore, type Core } from '../../electron/core/create-core';

/**
 * The real app core (createCore with a real data dir and its worker-thread sync worker), driven the way
 * the renderer drives it: only through the IPC contract's channels and events.
 */
export interface AppUnderTest {
  readonly core: Core;
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  /** Sends a message and waits until the reply it starts has finished streaming. */
  send(conversationId: string, content: string, timeoutMs?: number): Promise<{ reply: Message; signal: Signal | null }>;
  close(): Promise<void>;
}

export function openApp(options: { dataDir: string; log: (line: string) => void }): AppUnderTest {
  const core = createCore({ dataDir: options.dataDir, mode: 'browser', log: (level, message) => options.log(`[app ${level}] ${message}`) });
  const finished = new Map<string, Message>();
  const waiters = new Map<string, (message: Message) => void>();
  core.on('chat:message', (message) => {
    if (message.status === 'streaming') return;
    finished.set(message.id, message);
    waiters.get(message.id)?.(message);
  });

  const invoke = async <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> => {
    const result = await core.handle(channel, request);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return invokeContract[channel].response.parse(result.result) as InvokeResponse<C>;
  };

  const finishedReply = (id: string, timeoutMs: number): Promise<Message> =>
    new Promise((resolve, reject) => {
      const done = finished.get(id);
      if (done) return resolve(done);
      const timer = setTimeout(() => {
        waiters.delete(id);
        reject(new Error(`reply ${id} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.set(id, (message) => {
        clearTimeout(timer);
        waiters.delete(id);
        resolve(message);
      });
    });

  return {
    core,
    invoke,
    async send(conversationId, content, timeoutMs = 60_000) {
      const sent = await invoke('chat:send', { conversationId, content });
      const reply = await finishedReply(sent.assistantMessage.id, timeoutMs);
      if (reply.status !== 'complete') throw new Error(`the reply ended ${reply.status}: ${reply.error ?? ''}`);
      return { reply, signal: sent.signal };
    },
    close: () => core.close(),
  };
}
