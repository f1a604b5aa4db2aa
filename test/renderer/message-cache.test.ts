import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/domain';
import {
  applyDelta,
  applyFetchedList,
  applyMessage,
  emptyThread,
  lastAssistantMessage,
  streamingMessage,
} from '../../renderer/data/message-cache';

function msg(overrides: Partial<Message>): Message {
  return {
    id: 'm',
    conversationId: 'c1',
    seq: 1,
    role: 'assistant',
    content: '',
    status: 'complete',
    error: null,
    model: null,
    policyVersion: null,
    replacesId: null,
    supersededAt: null,
    servedBy: null,
    createdAt: 1,
    updatedAt: 1,
    ...overrides,
  };
}

const user = msg({ id: 'u1', seq: 1, role: 'user', content: 'hi' });
const reply = msg({ id: 'a1', seq: 2, status: 'streaming' });

describe('thread cache', () => {
  it('appends streamed deltas to the streaming reply', () => {
    let thread = applyMessage(applyMessage(emptyThread, user), reply);
    thread = applyDelta(thread, 'a1', 'Hel');
    thread = applyDelta(thread, 'a1', 'lo');
    expect(thread.messages.map((m) => m.content)).toEqual(['hi', 'Hello']);
    expect(streamingMessage(thread)?.id).toBe('a1');
  });

  it('keeps deltas that arrive before the message row and merges them when it lands', () => {
    let thread = applyMessage(emptyThread, user);
    thread = applyDelta(thread, 'a1', 'Early ');
    thread = applyDelta(thread, 'a1', 'bird');
    expect(thread.messages).toHaveLength(1);
    thread = applyMessage(thread, reply);
    expect(thread.messages[1]!.content).toBe('Early bird');
    expect(thread.orphanText).toEqual({});
  });

  it('does not go back when a periodic save carries less text than was streamed', () => {
    let thread = applyMessage(emptyThread, reply);
    thread = applyDelta(thread, 'a1', 'one two three');
    thread = applyMessage(thread, { ...reply, content: 'one two' });
    expect(thread.messages[0]!.content).toBe('one two three');
  });

  it('takes the stored text as final when the reply completes, stops or fails', () => {
    let thread = applyMessage(emptyThread, reply);
    thread = applyDelta(thread, 'a1', 'partial tex');
    thread = applyMessage(thread, { ...reply, status: 'stopped', content: 'partial text' });
    expect(thread.messages[0]).toMatchObject({ status: 'stopped', content: 'partial text' });
    // A late delta after the final row changes nothing.
    thread = applyDelta(thread, 'a1', 'ZZZ');
    expect(thread.messages[0]!.content).toBe('partial text');
    expect(streamingMessage(thread)).toBeNull();
  });

  it('drops superseded (regenerated) replies and keeps seq order', () => {
    let thread = applyMessage(applyMessage(emptyThread, reply), user);
    expect(thread.messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    const regenerated = msg({ id: 'a2', seq: 3, replacesId: 'a1', status: 'streaming' });
    thread = applyMessage(thread, { ...reply, status: 'complete', supersededAt: 5 });
    thread = applyMessage(thread, regenerated);
    expect(thread.messages.map((m) => m.id)).toEqual(['u1', 'a2']);
    expect(lastAssistantMessage(thread)?.id).toBe('a2');
  });

  it('a refetch keeps streamed text that is ahead of the stored row', () => {
    let thread = applyMessage(applyMessage(emptyThread, user), reply);
    thread = applyDelta(thread, 'a1', 'streamed so far');
    thread = applyFetchedList(thread, [user, { ...reply, content: 'streamed' }]);
    expect(thread.messages[1]!.content).toBe('streamed so far');
    thread = applyFetchedList(thread, [user, { ...reply, status: 'complete', content: 'final answer' }]);
    expect(thread.messages[1]!.content).toBe('final answer');
  });
});
