import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/domain';
import { applyFetchedList, applyMessage, emptyThread, isOlderRevision, streamingMessage } from '../../renderer/data/message-cache';

function msg(overrides: Partial<Message>): Message {
  return {
    id: 'a1',
    conversationId: 'c1',
    seq: 2,
    role: 'assistant',
    content: '',
    status: 'streaming',
    error: null,
    model: null,
    policyVersion: null,
    replacesId: null,
    supersededAt: null,
    createdAt: 100,
    updatedAt: 100,
    ...overrides,
  };
}

const user = msg({ id: 'u1', seq: 1, role: 'user', content: 'hello', status: 'complete' });
const created = msg({});
const failed = msg({ status: 'error', error: 'No model server is connected yet: open Settings and choose one.', updatedAt: 100 });

describe('thread cache: rows merge by revision, not by arrival', () => {
  it('keeps a reply that failed before the chat:send response arrived (the first-message race)', () => {
    // The failure event lands first (same millisecond as the insert), then the send response.
    let thread = applyMessage(emptyThread, failed);
    thread = applyMessage(applyMessage(thread, user), created);
    expect(thread.messages.map((m) => [m.id, m.status])).toEqual([
      ['u1', 'complete'],
      ['a1', 'error'],
    ]);
    expect(thread.messages[1]!.error).toMatch(/No model server is connected/);
    // Nothing is left streaming, so the composer offers Send again instead of a Stop that does nothing.
    expect(streamingMessage(thread)).toBeNull();
  });

  it('a list fetched before the reply finished does not undo the finish', () => {
    let thread = applyMessage(applyMessage(emptyThread, user), created);
    thread = applyMessage(thread, msg({ status: 'complete', content: 'Hi!', updatedAt: 150 }));
    thread = applyFetchedList(thread, [user, created]);
    expect(thread.messages[1]).toMatchObject({ status: 'complete', content: 'Hi!' });
  });

  it('orders revisions: finished beats streaming, then the later updatedAt wins', () => {
    expect(isOlderRevision(created, failed)).toBe(true);
    expect(isOlderRevision(failed, created)).toBe(false);
    expect(isOlderRevision(msg({ updatedAt: 90 }), created)).toBe(true);
    expect(isOlderRevision(msg({ status: 'complete', updatedAt: 90 }), msg({ status: 'stopped', updatedAt: 95 }))).toBe(true);
    // The same revision again is not older: re-applying a row is harmless.
    expect(isOlderRevision(failed, failed)).toBe(false);
  });

  it('still applies newer rows in order: streaming, then its final state', () => {
    let thread = applyMessage(emptyThread, created);
    thread = applyMessage(thread, msg({ status: 'complete', content: 'done', updatedAt: 120 }));
    expect(thread.messages[0]).toMatchObject({ status: 'complete', content: 'done' });
  });
});

describe('thread cache: a list fetched before the send does not lose what came after it', () => {
  it('the failure event lands during the first fetch, the fetch (read before the send) returns empty, then the send response', () => {
    // What Chromium saw on a loaded machine: event → list [] → send response.
    let thread = applyMessage(emptyThread, failed);
    thread = applyFetchedList(thread, []);
    thread = applyMessage(applyMessage(thread, user), created);
    expect(thread.messages.map((m) => [m.id, m.status])).toEqual([
      ['u1', 'complete'],
      ['a1', 'error'],
    ]);
    expect(streamingMessage(thread)).toBeNull();
  });

  it('rows at or below the fetched seq that the list lacks have left the thread (regenerated while away)', () => {
    const older = msg({ id: 'a0', seq: 2, status: 'complete', content: 'old reply' });
    let thread = applyMessage(applyMessage(emptyThread, user), older);
    const regenerated = msg({ id: 'a2', seq: 3, status: 'complete', content: 'new reply', replacesId: 'a0', updatedAt: 200 });
    thread = applyFetchedList(thread, [user, regenerated]);
    expect(thread.messages.map((m) => m.id)).toEqual(['u1', 'a2']);
  });
});
