import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message, Persona } from '../../../shared/domain';
import { EARLIER_USER_TEXT_CHARS, FollowUpContexts } from '../../../electron/core/follow-up-context';
import { policyMessages } from '../../../electron/core/policy-messages';
import { classifyFollowUp } from '../../../electron/signals';
import type { Turn } from '../../../electron/signals/types';
import { openAppStore, type AppStore } from '../../../electron/store/app-store';

let dir: string;
let store: AppStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-follow-up-'));
  store = openAppStore(join(dir, 'app.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ERRORS = [
  "TypeError: Cannot read properties of undefined (reading 'port')",
  'ModuleNotFoundError: No module named requests_oauthlib',
  'npm ERR! code ERESOLVE unable to resolve dependency tree',
];
const ASKS = ['How do I fix this?', 'Can you explain the retry logic again', 'thanks!', 'no, I meant the other file', '   ', 'ok'];

/** The context the core built before the window: the whole visible thread. */
function fullContext(persona: Persona, reply: Message): Turn[] {
  return policyMessages(persona, store.messages.listThreadBefore(reply.conversationId, reply.seq)) as Turn[];
}

describe('FollowUpContexts', () => {
  it('gives the classifier the same verdicts as the whole thread, turn after turn, while reading a bounded window', () => {
    const random = rng(7);
    const persona = store.personas.create({ name: 'Dev', systemPrompt: 'You help with code.' });
    const contexts = new FollowUpContexts();
    let repeatedErrors = 0;
    for (let c = 0; c < 3; c++) {
      const conversation = store.conversations.create(persona.id, `c${c}`);
      let reply: Message | null = null;
      for (let turn = 0; turn < 90; turn++) {
        // Long pasted logs (some with an error seen before) push old turns out of the window.
        const filler = 'log line with some words '.repeat(Math.floor(random() * 120));
        const error = random() < 0.3 ? ERRORS[Math.floor(random() * ERRORS.length)]! : '';
        const ask = ASKS[Math.floor(random() * ASKS.length)]!;
        const content = random() < 0.5 ? `still getting: ${error} ${ask}` : `${filler}\n${error}\n${ask}`;
        if (reply) {
          const expected = classifyFollowUp({ context: fullContext(persona, reply), assistant: reply.content, nextUser: content });
          const bounded = contexts.contextFor(store.messages, persona, reply, content);
          expect(classifyFollowUp({ context: bounded, assistant: reply.content, nextUser: content })).toEqual(expected);
          if (expected.evidence.some((e) => e.startsWith('same error again'))) repeatedErrors += 1;
          const text = bounded.filter((t) => t.role === 'user').reduce((n, t) => n + Math.min(t.content.length, 20_000), 0);
          expect(text).toBeLessThan(EARLIER_USER_TEXT_CHARS * 3 + 10_000);
        }
        store.messages.insert({ conversationId: conversation.id, role: 'user', content, status: 'complete' });
        reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: `Try restarting the ${turn} service?`, status: 'complete' });
      }
    }
    // The rule that reads the earlier text fired, so the comparison covered it.
    expect(repeatedErrors).toBeGreaterThan(10);
  });

  it('finds a pasted error again when it lies within the window, and reads the thread anew after a reply is replaced', () => {
    const persona = store.personas.create({ name: 'Dev', systemPrompt: '' });
    const conversation = store.conversations.create(persona.id, 'c');
    const contexts = new FollowUpContexts();
    store.messages.insert({ conversationId: conversation.id, role: 'user', content: `I get ${ERRORS[1]} when I start it`, status: 'complete' });
    let reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'Install it with pip.', status: 'complete' });
    for (let i = 0; i < 30; i++) {
      // Warm the cache with plain follow-ups (they read only the previous request).
      const next = `question ${i} about something else entirely`;
      expect(contexts.contextFor(store.messages, persona, reply, next).at(-1)?.content).not.toBe('');
      store.messages.insert({ conversationId: conversation.id, role: 'user', content: next, status: 'complete' });
      reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'Sure.', status: 'complete' });
    }
    const again = `still getting ${ERRORS[1]}`;
    const context = contexts.contextFor(store.messages, persona, reply, again);
    // The message holds an error word: the window reaches back to the first request, which pasted it.
    expect(context.some((t) => t.content.includes(ERRORS[1]!))).toBe(true);
    expect(classifyFollowUp({ context, assistant: reply.content, nextUser: again })).toEqual(
      classifyFollowUp({ context: fullContext(persona, reply), assistant: reply.content, nextUser: again }),
    );
    // Without an error word (and nothing cached) only the previous request is read.
    expect(new FollowUpContexts().contextFor(store.messages, persona, reply, 'thanks').map((t) => t.content)).toEqual(['question 29 about something else entirely']);

    // A regenerated reply leaves the thread: the cached window is read again, not trusted.
    const version = store.messages.threadChanges;
    store.messages.supersede(reply.id);
    expect(store.messages.threadChanges).toBe(version + 1);
    const replacement = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'Reinstall.', status: 'complete' });
    const after = contexts.contextFor(store.messages, persona, replacement, 'ok');
    expect(after).toEqual(fullContext(persona, replacement).filter((t) => t.role === 'user').slice(-after.length));
  });
});
