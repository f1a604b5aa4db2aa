import { describe, expect, it } from 'vitest';
import type { Message, Persona } from '../../../shared/domain';
import { SignalSampleSchema } from '../../../shared/protocol/box-stream';
import { buildSignalSample } from '../../../electron/core/build-signal-sample';
import { recordSignal } from '../../../electron/core/signal-recorder';
import { type AppStore } from '../../../electron/store/app-store';
import { freshAppStoreEachTest } from '../../support/temp-app-store';

let store: AppStore;
freshAppStoreEachTest('apprentice-outbox-context-', (opened) => {
  store = opened;
});

/** A row as stored: its payload (kept beside the narrow outbox row) and its thread reference. */
const STORED = `SELECT p.payload, o.payload AS inline, o.context_reply_id FROM outbox o JOIN outbox_payloads p ON p.seq = o.seq WHERE o.sample_id = ?`;

function converse(persona: Persona, turns: number): { conversationId: string; replies: Message[] } {
  const conversation = store.conversations.create(persona.id, 'c');
  const replies: Message[] = [];
  for (let i = 0; i < turns; i++) {
    store.messages.insert({ conversationId: conversation.id, role: 'user', content: `question ${i}`, status: 'complete' });
    // A reply that failed with no text is left out of the context, as the policy never said it.
    const failed = i === 1;
    replies.push(
      store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: failed ? '' : `answer ${i}`, status: failed ? 'error' : 'complete' }),
    );
  }
  return { conversationId: conversation.id, replies };
}

function record(persona: Persona, reply: Message, now: number) {
  return store.db.transaction(() =>
    recordSignal(
      store,
      {
        persona,
        reply,
        kind: 'thumb_down',
        reward: -1,
        confidence: 1,
        source: 'explicit',
        evidence: [],
        triggerMessageId: null,
        nextState: { role: 'feedback', content: 'thumbs down' },
        hint: null,
        supersede: [],
        trust: { decidedBy: 'user', judgeTally: null, fate: 'will_train' },
      },
      now,
    ),
  )();
}

/** The sample as the recorder built it before the context was kept by reference. */
function copiedSample(persona: Persona, reply: Message, sampleId: string) {
  const signal = store.signals.get(sampleId)!;
  return buildSignalSample({
    persona,
    signal,
    context: store.messages.contextOf(reply.id, reply.createdAt),
    reply,
    nextState: { role: 'feedback', content: 'thumbs down' },
    hint: null,
    supersedes: null,
  });
}

describe('outbox samples that refer to their thread', () => {
  it('carry the thread as it stood when the signal was recorded, whatever happens to it later', () => {
    const persona = store.personas.create({ name: 'Tutor', systemPrompt: 'Be brief.' });
    const { conversationId, replies } = converse(persona, 4);
    const judged = replies[2]!;
    const recorded = record(persona, judged, 5_000);
    const expected = copiedSample(persona, judged, recorded.signal.id);
    // The payload itself holds no thread: its size does not grow with the conversation.
    const payload = store.db.prepare(STORED).get(recorded.signal.id) as {
      payload: string;
      context_reply_id: string;
    };
    expect(JSON.parse(payload.payload)).not.toHaveProperty('messages');
    expect(payload.context_reply_id).toBe(judged.id);
    // The outbox row itself stays narrow (its state changes twice; its payload never does).
    expect((payload as unknown as { inline: string }).inline).toBe('');
    expect(store.outbox.get(recorded.signal.id)!.sample).toEqual(expected);

    // Later: the last reply is regenerated, the conversation goes on, the persona's prompt changes.
    store.messages.supersede(replies[3]!.id, 6_000);
    store.messages.insert({ conversationId, role: 'assistant', content: 'a new answer', status: 'complete', replacesId: replies[3]!.id });
    store.messages.insert({ conversationId, role: 'user', content: 'and then?', status: 'complete' });
    store.personas.update(persona.id, { systemPrompt: 'Be verbose.' });
    expect(store.outbox.get(recorded.signal.id)!.sample).toEqual(expected);
    const [sent] = store.outbox.nextPendingToSend(10);
    expect(sent).toMatchObject({ sampleId: recorded.signal.id, personaId: persona.id });
    expect(SignalSampleSchema.parse(JSON.parse(sent!.sampleJson))).toEqual(expected);
  });

  it('a sample judged after an earlier reply was replaced leaves that reply out, as the policy did', () => {
    const persona = store.personas.create({ name: 'Tutor', systemPrompt: '' });
    const { conversationId, replies } = converse(persona, 2);
    store.messages.supersede(replies[1]!.id, 1_000);
    const replacement = store.messages.insert({ conversationId, role: 'assistant', content: 'better answer', status: 'complete', replacesId: replies[1]!.id });
    store.messages.insert({ conversationId, role: 'user', content: 'thanks', status: 'complete' });
    const recorded = record(persona, { ...replacement }, 2_000);
    const sample = store.outbox.get(recorded.signal.id)!.sample;
    expect(sample.messages).toEqual([
      { role: 'user', content: 'question 0' },
      { role: 'assistant', content: 'answer 0' },
      { role: 'user', content: 'question 1' },
    ]);
    expect(sample).toEqual(copiedSample(persona, replacement, recorded.signal.id));
  });

  it('shows an earlier reply with the rewrite the policy saw when it wrote the judged reply, not one made later', () => {
    const persona = store.personas.create({ name: 'Tutor', systemPrompt: '' });
    const conversation = store.conversations.create(persona.id, 'c');
    store.messages.insert({ conversationId: conversation.id, role: 'user', content: 'q0', status: 'complete' }, 100);
    const first = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'model said this', status: 'complete' }, 200);
    store.corrections.add({ kind: 'edit', signalId: null, messageId: first.id, text: 'user rewrote it', createdAt: 300 });
    store.messages.insert({ conversationId: conversation.id, role: 'user', content: 'q1', status: 'complete' }, 400);
    const judged = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'a1', status: 'complete' }, 500);
    // A second rewrite after the judged reply was written: the policy never saw it.
    store.corrections.add({ kind: 'edit', signalId: null, messageId: first.id, text: 'rewritten again later', createdAt: 600 });
    const recorded = record(persona, judged, 700);
    const expected = [
      { role: 'user', content: 'q0' },
      { role: 'assistant', content: 'user rewrote it' },
      { role: 'user', content: 'q1' },
    ];
    expect(store.outbox.get(recorded.signal.id)!.sample.messages).toEqual(expected);
    expect(JSON.parse(store.outbox.nextPendingToSend(10)[0]!.sampleJson).messages).toEqual(expected);
    expect(store.outbox.get(recorded.signal.id)!.sample).toEqual(copiedSample(persona, judged, recorded.signal.id));
  });

  it('a first reply with no context still has an (empty) system turn, and a released held row keeps its reference', () => {
    const persona = store.personas.create({ name: 'Quiet', systemPrompt: '', hintMode: 'review' });
    const conversation = store.conversations.create(persona.id, 'c');
    const reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'hello', status: 'complete' });
    const recorded = store.db.transaction(() =>
      recordSignal(store, {
        persona,
        reply,
        kind: 'thumb_down',
        reward: -1,
        confidence: 1,
        source: 'explicit',
        evidence: [],
        triggerMessageId: null,
        nextState: { role: 'feedback', content: 'thumbs down: too short' },
        hint: { text: 'Say more.', source: 'user' },
        supersede: [],
        trust: { decidedBy: 'user', judgeTally: null, fate: 'will_train' },
      }),
    )();
    const row = store.outbox.get(recorded.signal.id)!;
    expect(row.state).toBe('held');
    expect(row.sample.messages).toEqual([{ role: 'system', content: '' }]);
    store.outbox.release(row.sampleId, { ...row.sample, hint: 'Say more.' });
    const raw = store.db.prepare(STORED).get(row.sampleId) as {
      payload: string;
      context_reply_id: string | null;
    };
    expect(raw.context_reply_id).toBe(reply.id);
    expect(JSON.parse(raw.payload)).not.toHaveProperty('messages');
    expect(store.outbox.get(row.sampleId)!.sample).toMatchObject({ hint: 'Say more.', messages: [{ role: 'system', content: '' }] });
  });

  it('rows that carry their whole sample (written before this version, or by enqueue) are read and sent as they are', () => {
    const persona = store.personas.create({ name: 'Tutor', systemPrompt: 'Be brief.' });
    const { replies } = converse(persona, 1);
    const signal = store.signals.insert({
      personaId: persona.id,
      conversationId: replies[0]!.conversationId,
      messageId: replies[0]!.id,
      kind: 'thumb_up',
      reward: 1,
      confidence: 1,
      source: 'explicit',
      evidence: [],
      triggerMessageId: null,
      decidedBy: 'user',
      judgeTally: null,
      fate: 'will_train',
    });
    const sample = { ...copiedSample(persona, replies[0]!, signal.id), messages: [{ role: 'user' as const, content: 'kept as written' }] };
    store.outbox.enqueue(sample, signal.id, { held: false });
    expect(store.outbox.get(signal.id)!.sample).toEqual(sample);
    expect(JSON.parse(store.outbox.nextPendingToSend(1)[0]!.sampleJson)).toEqual(sample);
  });
});
