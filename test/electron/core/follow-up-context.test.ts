import { describe, expect, it } from 'vitest';
import type { Message, Persona } from '../../../shared/domain';
import { EARLIER_USER_TEXT_CHARS, followUpContext } from '../../../electron/core/follow-up-context';
import { policyMessages } from '../../../electron/core/policy-messages';
import { classifyFollowUp } from '../../../electron/signals';
import type { Turn } from '../../../electron/signals/types';
import { type AppStore } from '../../../electron/store/app-store';
import { freshAppStoreEachTest } from '../../support/temp-app-store';
import { seededRandom } from '../../support/seeded-random';

let store: AppStore;
freshAppStoreEachTest('apprentice-follow-up-', (opened) => {
  store = opened;
});

const ERRORS = [
  "TypeError: Cannot read properties of undefined (reading 'port')",
  'ModuleNotFoundError: No module named requests_oauthlib',
  'npm ERR! code ERESOLVE unable to resolve dependency tree',
];
const ASKS = ['How do I fix this?', 'Can you explain the retry logic again', 'thanks!', 'no, I meant the other file', '   ', 'ok'];

/** The context the core built before the window: the whole thread the reply answers. */
function fullContext(persona: Persona, reply: Message): Turn[] {
  return policyMessages(persona, store.messages.contextOf(reply.id)) as Turn[];
}

describe('followUpContext', () => {
  it('gives the classifier the same verdicts as the whole thread, turn after turn, while reading a bounded window', () => {
    const random = seededRandom(7);
    const persona = store.personas.create({ name: 'Dev', systemPrompt: 'You help with code.' });
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
          const bounded = followUpContext(store.messages, persona, reply, content);
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

  it('finds a pasted error again when it lies within the window, and follows the branch the reply is on', () => {
    const persona = store.personas.create({ name: 'Dev', systemPrompt: '' });
    const conversation = store.conversations.create(persona.id, 'c');
    store.messages.insert({ conversationId: conversation.id, role: 'user', content: `I get ${ERRORS[1]} when I start it`, status: 'complete' });
    let reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'Install it with pip.', status: 'complete' });
    for (let i = 0; i < 30; i++) {
      const next = `question ${i} about something else entirely`;
      expect(followUpContext(store.messages, persona, reply, next).at(-1)?.content).not.toBe('');
      store.messages.insert({ conversationId: conversation.id, role: 'user', content: next, status: 'complete' });
      reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'Sure.', status: 'complete' });
    }
    const again = `still getting ${ERRORS[1]}`;
    const context = followUpContext(store.messages, persona, reply, again);
    // The message holds an error word: the window reaches back to the first request, which pasted it.
    expect(context.some((t) => t.content.includes(ERRORS[1]!))).toBe(true);
    expect(classifyFollowUp({ context, assistant: reply.content, nextUser: again })).toEqual(
      classifyFollowUp({ context: fullContext(persona, reply), assistant: reply.content, nextUser: again }),
    );
    // Without an error word only the previous request is read.
    expect(followUpContext(store.messages, persona, reply, 'thanks').map((t) => t.content)).toEqual(['question 29 about something else entirely']);

    // An edited and resent request starts a branch: a reply there is read with the edited request,
    // not with the newer message on the other branch.
    const original = store.messages.get(reply.parentId!)!;
    const edited = store.messages.insert({ conversationId: conversation.id, role: 'user', content: 'question 29, edited', status: 'complete', parentId: original.parentId });
    const onBranch = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'Done.', status: 'complete', parentId: edited.id });
    expect(followUpContext(store.messages, persona, onBranch, 'ok').map((t) => t.content)).toEqual(['question 29, edited']);
    expect(followUpContext(store.messages, persona, reply, 'ok').map((t) => t.content)).toEqual(['question 29 about something else entirely']);
  });
});
