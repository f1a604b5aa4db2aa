import { describe, expect, it } from 'vitest';
import { eventContract, eventNames, invokeChannels, invokeContract, isInvokeChannel } from '../../shared/ipc/contract';
import { IpcInvokeFrameSchema, IpcServerFrameSchema } from '../../shared/ipc/transport';

describe('IPC contract', () => {
  it('lists every channel once and recognises only those', () => {
    expect(new Set(invokeChannels).size).toBe(Object.keys(invokeContract).length);
    expect(isInvokeChannel('chat:send')).toBe(true);
    expect(isInvokeChannel('toString')).toBe(false);
    expect(isInvokeChannel('__proto__')).toBe(false);
    expect(eventNames).toContain('chat:delta');
    expect(Object.keys(eventContract)).toEqual(eventNames);
  });

  it('rejects unknown keys so a request cannot smuggle fields into a handler', () => {
    const schema = invokeContract['personas:create'].request;
    expect(schema.safeParse({ name: 'Tutor', systemPrompt: '' }).success).toBe(true);
    expect(schema.safeParse({ name: 'Tutor', systemPrompt: '', id: 'x' }).success).toBe(false);
    expect(schema.safeParse({ name: '   ', systemPrompt: '' }).success).toBe(false);
  });

  it('requires an inline mark to cover a non-empty span', () => {
    const schema = invokeContract['feedback:inlineMark'].request;
    expect(schema.safeParse({ messageId: 'm', start: 3, end: 9, correction: 'Canberra' }).success).toBe(true);
    expect(schema.safeParse({ messageId: 'm', start: 9, end: 9, correction: 'Canberra' }).success).toBe(false);
    expect(schema.safeParse({ messageId: 'm', start: -1, end: 2, correction: 'x' }).success).toBe(false);
  });

  it('never accepts a settings patch that claims a token', () => {
    const schema = invokeContract['settings:update'].request;
    const parsed = schema.parse({ box: { url: 'http://box:8787', hasToken: true } });
    expect(parsed.box).toEqual({ url: 'http://box:8787' });
  });

  it('frames: invoke needs an integer id; results carry either a result or an error', () => {
    expect(IpcInvokeFrameSchema.safeParse({ type: 'invoke', id: 1, channel: 'app:info', payload: {} }).success).toBe(true);
    expect(IpcInvokeFrameSchema.safeParse({ type: 'invoke', id: 1.5, channel: 'app:info', payload: {} }).success).toBe(false);
    expect(
      IpcServerFrameSchema.safeParse({ type: 'result', id: 1, result: { ok: false, error: { code: 'bad_request', message: 'x' } } })
        .success,
    ).toBe(true);
    expect(IpcServerFrameSchema.safeParse({ type: 'result', id: 1, result: { ok: false } }).success).toBe(false);
  });
});
