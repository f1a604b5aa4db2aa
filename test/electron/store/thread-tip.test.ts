import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { type AppStore } from '../../../electron/store/app-store';
import { freshAppStoreEachTest } from '../../support/temp-app-store';
import { seededRandom } from '../../support/seeded-random';

let store: AppStore;
freshAppStoreEachTest('apprentice-thread-tip-', (opened) => {
  store = opened;
});

describe('the thread tip', () => {
  it('is the last message of the visible thread after any mix of sends, regenerations, edits, branch messages and version switches', () => {
    const random = seededRandom(11);
    const persona = store.personas.create({ name: 'P', systemPrompt: '' });
    const conversation = store.conversations.create(persona.id, 'c');
    const all: Message[] = [];
    const pick = () => all[Math.floor(random() * all.length)]!;
    for (let step = 0; step < 400; step++) {
      const r = random();
      if (all.length === 0 || r < 0.45) {
        // chat:send: the next message after the end of the thread.
        all.push(store.messages.insert({ conversationId: conversation.id, role: all.length % 2 ? 'assistant' : 'user', content: `m${step}`, status: 'complete' }));
      } else if (r < 0.6) {
        // A regeneration: a new version beside the thread's last reply.
        const last = store.messages.lastInThread(conversation.id)!;
        all.push(store.messages.insert({ conversationId: conversation.id, role: last.role, content: `v${step}`, status: 'complete', replacesId: last.id }));
      } else if (r < 0.75) {
        // Edit and resend of any message: a new branch beside it.
        const old = pick();
        all.push(store.messages.insert({ conversationId: conversation.id, role: old.role, content: `e${step}`, status: 'complete', parentId: old.parentId }));
      } else if (r < 0.85) {
        // A message answering one that may be on a hidden branch.
        const parent = pick();
        all.push(store.messages.insert({ conversationId: conversation.id, role: 'user', content: `b${step}`, status: 'complete', parentId: parent.id }));
      } else {
        store.messages.select(pick().id);
      }
      expect(store.messages.lastInThread(conversation.id)?.id).toBe(store.messages.listThread(conversation.id).at(-1)?.id);
    }
  });

  it('is found by walking the selection where it is not known (a store from before it was kept)', () => {
    const persona = store.personas.create({ name: 'P', systemPrompt: '' });
    const conversation = store.conversations.create(persona.id, 'c');
    store.messages.insert({ conversationId: conversation.id, role: 'user', content: 'q', status: 'complete' });
    const reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'a', status: 'complete' });
    store.db.prepare(`UPDATE conversations SET thread_tip_id = NULL`).run();
    expect(store.messages.lastInThread(conversation.id)?.id).toBe(reply.id);
    const next = store.messages.insert({ conversationId: conversation.id, role: 'user', content: 'q2', status: 'complete' });
    expect(store.messages.lastInThread(conversation.id)?.id).toBe(next.id);
    expect((store.db.prepare(`SELECT thread_tip_id AS tip FROM conversations`).get() as { tip: string }).tip).toBe(next.id);
  });
});
