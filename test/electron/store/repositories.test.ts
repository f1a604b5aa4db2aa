import { describe, expect, it } from 'vitest';
import { HintSchema, MessageSchema, PersonaSchema, SignalSchema, ConversationSchema } from '../../../shared/domain';
import { type AppStore } from '../../../electron/store/app-store';
import { freshAppStoreEachTest } from '../../support/temp-app-store';

let store: AppStore;
freshAppStoreEachTest('apprentice-store-', (opened) => {
  store = opened;
});

function seed() {
  const persona = store.personas.create({ name: 'Tutor', systemPrompt: 'Be brief.' });
  const conversation = store.conversations.create(persona.id, 'First', 5);
  return { persona, conversation };
}

describe('PersonaRepository', () => {
  it('creates, updates and soft-deletes personas as domain objects', () => {
    const p = store.personas.create({ name: 'Tutor', systemPrompt: 'Be brief.', hintMode: 'review' }, 1000);
    expect(PersonaSchema.parse(p)).toEqual({
      id: p.id,
      name: 'Tutor',
      systemPrompt: 'Be brief.',
      hintMode: 'review',
      createdAt: 1000,
      updatedAt: 1000,
      model: null,
      temperature: null,
      maxTokens: null,
      learning: true,
    });
    expect(store.personas.create({ name: 'B', systemPrompt: '' }).hintMode).toBe('auto');
    const updated = store.personas.update(p.id, { name: 'Coach' }, 2000);
    expect(updated).toMatchObject({ name: 'Coach', systemPrompt: 'Be brief.', hintMode: 'review', updatedAt: 2000 });
    expect(store.personas.softDelete(p.id)).toBe(true);
    expect(store.personas.softDelete(p.id)).toBe(false);
    expect(store.personas.get(p.id)).toBeNull();
    expect(store.personas.update(p.id, { name: 'x' })).toBeNull();
    expect(store.personas.list().map((x) => x.name)).toEqual(['B']);
    expect(store.personas.countAll()).toBe(2);
  });
});

describe('ConversationRepository', () => {
  it('lists live conversations most recent first and soft-deletes', () => {
    const { persona } = seed();
    const a = store.conversations.create(persona.id, 'A', 10);
    const b = store.conversations.create(persona.id, 'B', 20);
    store.conversations.touch(a.id, 30);
    expect(store.conversations.listForPersona(persona.id).map((c) => c.title)).toEqual(['A', 'B', 'First']);
    expect(ConversationSchema.parse(store.conversations.rename(b.id, 'Bee'))).toMatchObject({ title: 'Bee' });
    expect(store.conversations.softDelete(b.id)).toBe(true);
    expect(store.conversations.get(b.id)).toBeNull();
    expect(store.conversations.rename(b.id, 'x')).toBeNull();
    expect(store.conversations.softDeleteForPersona(persona.id)).toBe(2);
    expect(store.conversations.listForPersona(persona.id)).toEqual([]);
  });
});

describe('MessageRepository', () => {
  it('numbers messages per conversation and leaves superseded replies out of the thread', () => {
    const { persona, conversation } = seed();
    const other = store.conversations.create(persona.id, 'Other');
    const u1 = store.messages.insert({ conversationId: conversation.id, role: 'user', content: 'hi', status: 'complete' });
    const a1 = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: '', status: 'streaming', model: 'm' });
    const o1 = store.messages.insert({ conversationId: other.id, role: 'user', content: 'x', status: 'complete' });
    expect([u1.seq, a1.seq, o1.seq]).toEqual([1, 2, 1]);
    expect(MessageSchema.parse(a1)).toMatchObject({ status: 'streaming', model: 'm', replacesId: null, supersededAt: null, error: null });

    store.messages.saveProgress(a1.id, 'Hel');
    expect(store.messages.get(a1.id)?.content).toBe('Hel');
    const done = store.messages.finish(a1.id, { content: 'Hello', status: 'complete', policyVersion: 'v3' });
    expect(done).toMatchObject({ content: 'Hello', status: 'complete', policyVersion: 'v3' });
    // Progress saves no longer apply once finished.
    store.messages.saveProgress(a1.id, 'late');
    expect(store.messages.get(a1.id)?.content).toBe('Hello');

    store.messages.supersede(a1.id, 5);
    const a2 = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'Hi!', status: 'complete', replacesId: a1.id });
    expect(a2.seq).toBe(3);
    expect(store.messages.listThread(conversation.id).map((m) => m.id)).toEqual([u1.id, a2.id]);
    expect(store.messages.contextOf(a2.id)).toEqual([{ role: 'user', content: u1.content, editedContent: null }]);
    expect(store.messages.lastInThread(conversation.id)?.id).toBe(a2.id);
    expect(store.messages.get(a1.id)?.supersededAt).toBe(5);
  });

  it('closes replies left streaming by a previous run', () => {
    const { conversation } = seed();
    const a = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'part', status: 'streaming' });
    expect(store.messages.closeInterrupted('interrupted')).toBe(1);
    expect(store.messages.get(a.id)).toMatchObject({ status: 'error', error: 'interrupted', content: 'part' });
  });
});

describe('SignalRepository and HintRepository', () => {
  it('stores signals with evidence, supersedes once, and counts live ones', () => {
    const { persona, conversation } = seed();
    const reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'r', status: 'complete' });
    const base = { personaId: persona.id, conversationId: conversation.id, messageId: reply.id, triggerMessageId: null, judgeTally: null };
    const inferred = store.signals.insert({ ...base, kind: 'correction', reward: -1, confidence: 0.8, source: 'heuristic', evidence: ['cue:"no, I meant"'], decidedBy: 'detector', fate: 'awaiting_judge' });
    expect(SignalSchema.parse(inferred).evidence).toEqual(['cue:"no, I meant"']);
    const thumb = store.signals.insert({ ...base, kind: 'thumb_up', reward: 1, confidence: 1, source: 'explicit', evidence: [], decidedBy: 'user', fate: 'will_train' });
    expect(store.signals.supersede(inferred.id, thumb.id)).toBe(true);
    expect(store.signals.supersede(inferred.id, thumb.id)).toBe(false);
    expect(store.signals.listActiveForMessage(reply.id).map((s) => s.id)).toEqual([thumb.id]);
    expect(store.signals.listForConversation(conversation.id)).toHaveLength(2);
    expect(store.signals.countsForPersona(persona.id)).toEqual({ total: 1, positive: 1, negative: 0 });

    const hint = store.hints.insert({ signalId: inferred.id, personaId: persona.id, messageId: reply.id, text: 'Answer in French.', source: 'rule', status: 'pending' });
    expect(HintSchema.parse(hint).status).toBe('pending');
    expect(store.hints.listForPersona(persona.id, 'pending').map((h) => h.id)).toEqual([hint.id]);
    expect(store.hints.listForConversation(conversation.id).map((h) => h.id)).toEqual([hint.id]);
    const approved = store.hints.review(hint.id, 'approved', 'Answer in French, briefly.');
    expect(approved).toMatchObject({ status: 'approved', text: 'Answer in French, briefly.', source: 'user' });
    expect(store.hints.review(hint.id, 'rejected', null)).toBeNull();
    expect(store.hints.getBySignal(inferred.id)?.id).toBe(hint.id);
    expect(store.hints.countUsableForPersona(persona.id)).toBe(1);
  });

  it('keeps the hint source when approved unchanged', () => {
    const { persona, conversation } = seed();
    const reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'r', status: 'complete' });
    const s = store.signals.insert({ personaId: persona.id, conversationId: conversation.id, messageId: reply.id, triggerMessageId: null, kind: 'correction', reward: -1, confidence: 0.8, source: 'heuristic', evidence: [], decidedBy: 'detector', judgeTally: null, fate: 'awaiting_judge' });
    const hint = store.hints.insert({ signalId: s.id, personaId: persona.id, messageId: reply.id, text: 'Same.', source: 'rule', status: 'pending' });
    expect(store.hints.review(hint.id, 'approved', 'Same.')).toMatchObject({ source: 'rule', status: 'approved' });
    expect(store.hints.countUsableForPersona(persona.id)).toBe(1);
  });
});
