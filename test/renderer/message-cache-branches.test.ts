import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/domain';
import { applyDelta, applyMessage, emptyThread, replaceFrom, type ThreadCache } from '../../renderer/data/message-cache';

function msg(fields: Partial<Message> & Pick<Message, 'id' | 'seq' | 'role'>): Message {
  return {
    conversationId: 'c1',
    content: '',
    status: 'complete',
    error: null,
    model: null,
    policyVersion: null,
    replacesId: null,
    supersededAt: null,
    createdAt: fields.seq,
    updatedAt: fields.seq,
    parentId: null,
    ...fields,
  };
}

const u1 = msg({ id: 'u1', seq: 1, role: 'user', content: 'hi' });
const a1 = msg({ id: 'a1', seq: 2, role: 'assistant', content: 'one', parentId: 'u1', versionIds: ['a1'] });

function threadOf(...messages: Message[]): ThreadCache {
  return messages.reduce(applyMessage, emptyThread);
}

describe('thread cache with branches', () => {
  it('leaves out rows of another version of a turn shown here', () => {
    const thread = threadOf(u1, a1);
    // A second reply to u1 (a regeneration) is not part of this thread until the view switches to it.
    const a2 = msg({ id: 'a2', seq: 3, role: 'assistant', content: 'two', parentId: 'u1' });
    expect(applyMessage(thread, a2).messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    // Nor is another first message (an edit of u1).
    const u1b = msg({ id: 'u1b', seq: 4, role: 'user', content: 'hello', parentId: null });
    expect(applyMessage(thread, u1b).messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    // A message that answers the last one extends the thread.
    const u2 = msg({ id: 'u2', seq: 5, role: 'user', content: 'more', parentId: 'a1' });
    expect(applyMessage(thread, u2).messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2']);
  });

  it('keeps a reply whose row arrives before its user message (a reply that failed at once)', () => {
    const failed = msg({ id: 'a1', seq: 2, role: 'assistant', status: 'error', error: 'down', parentId: 'u1' });
    const thread = applyMessage(applyMessage(emptyThread, failed), u1);
    expect(thread.messages.map((m) => [m.id, m.status])).toEqual([
      ['u1', 'complete'],
      ['a1', 'error'],
    ]);
  });

  it('keeps the versions a listing gave when an event carries the row without them', () => {
    const thread = applyMessage(threadOf(u1, a1), { ...a1, content: 'one, edited', versionIds: undefined });
    expect(thread.messages[1]).toMatchObject({ content: 'one, edited', versionIds: ['a1'] });
  });

  it('replaces a turn and what follows it with a new version', () => {
    const u2 = msg({ id: 'u2', seq: 3, role: 'user', content: 'more', parentId: 'a1' });
    const a2 = msg({ id: 'a2', seq: 4, role: 'assistant', parentId: 'u2', status: 'streaming' });
    let thread = threadOf(u1, a1, u2, a2);
    const retry = msg({ id: 'a3', seq: 5, role: 'assistant', parentId: 'u1', status: 'streaming', replacesId: 'a1' });
    thread = replaceFrom(thread, 'a1', [retry]);
    expect(thread.messages.map((m) => m.id)).toEqual(['u1', 'a3']);
    thread = applyDelta(thread, 'a3', 'new text');
    expect(thread.messages[1]!.content).toBe('new text');
  });
});
