import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/domain';
import { SignalSampleSchema, type SignalSample } from '../../../shared/protocol/box-stream';
import { coreWithStreamServerAsBoxEachTest, outboxWithSamples, RecordingSyncPort, startCore, type CoreHarness } from './core-test-kit';
import { type OpenAiStreamServer } from './openai-stream-server';

let policy: OpenAiStreamServer;
let h: CoreHarness;
coreWithStreamServerAsBoxEachTest((core, server) => {
  h = core;
  policy = server;
});

function outbox(): Array<{ sampleId: string; state: string; lastError: string | null; sample: SignalSample }> {
  const rows = outboxWithSamples(h.dir);
  return rows.map((r) => ({ sampleId: r.sample_id, state: r.state, lastError: r.last_error, sample: SignalSampleSchema.parse(JSON.parse(r.payload)) }));
}

async function replyIn(hintMode: 'auto' | 'review', text = 'The mitochondria is the powerhouse of the cell.') {
  policy.script({ chunks: [text] });
  const persona = await h.invoke('personas:create', { name: 'Bio', systemPrompt: '', hintMode });
  const conversation = await h.invoke('conversations:create', { personaId: persona.id, title: 'Cells' });
  const sent = await h.invoke('chat:send', { conversationId: conversation.id, content: 'What does the mitochondria do?' });
  const reply = await h.waitFor('chat:message', (m): m is Message => m.id === sent.assistantMessage.id && m.status === 'complete');
  return { persona, conversation, reply };
}

describe('core: explicit feedback', () => {
  it('a thumb down supersedes the inferred signal and names it in its sample', async () => {
    const { persona, conversation, reply } = await replyIn('auto');
    policy.script({ chunks: ['ok'] });
    const follow = await h.invoke('chat:send', { conversationId: conversation.id, content: 'No, I meant what the ribosome does.' });
    const inferred = follow.signal!;
    expect(inferred.source).toBe('heuristic');
    await h.waitFor('chat:message', (m) => m.id === follow.assistantMessage.id && m.status !== 'streaming');

    const thumb = await h.invoke('feedback:thumb', { messageId: reply.id, up: false, reason: 'Too vague, name the ATP synthesis' });
    expect(thumb.signal).toMatchObject({ kind: 'thumb_down', reward: -1, source: 'explicit', confidence: 1 });
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    expect(signals.find((s) => s.id === inferred.id)?.supersededBy).toBe(thumb.signal.id);
    const row = outbox().find((r) => r.sampleId === thumb.signal.id)!;
    expect(row.sample).toMatchObject({
      supersedes: inferred.id,
      rewardSource: 'explicit',
      nextState: { role: 'feedback', content: 'thumbs down: Too vague, name the ATP synthesis' },
      response: 'The mitochondria is the powerhouse of the cell.',
    });
    expect(row.sample.messages).toEqual([{ role: 'user', content: 'What does the mitochondria do?' }]);

    // Changing one's mind: a thumb up replaces the thumb down.
    const up = await h.invoke('feedback:thumb', { messageId: reply.id, up: true });
    expect(up.hint).toBeNull();
    expect(outbox().find((r) => r.sampleId === up.signal.id)!.sample).toMatchObject({ supersedes: thumb.signal.id, reward: 1 });
    const stats = await h.invoke('timeline:stats', { personaId: persona.id });
    expect(stats).toMatchObject({ signals: 1, positive: 1, negative: 0 });
  });

  it('an inline mark quotes the stored reply and is validated against it', async () => {
    const { reply } = await replyIn('auto');
    const start = reply.content.indexOf('powerhouse');
    const mark = await h.invoke('feedback:inlineMark', { messageId: reply.id, start, end: start + 'powerhouse'.length, correction: 'site of cellular respiration' });
    expect(mark.signal).toMatchObject({ kind: 'inline_mark', reward: -1 });
    expect(mark.hint).toMatchObject({ status: 'auto', source: 'user' });
    expect(mark.hint.text.length).toBeGreaterThan(0);
    const sample = outbox().find((r) => r.sampleId === mark.signal.id)!.sample;
    expect(sample.nextState?.content).toContain('"powerhouse"');
    expect(sample.nextState?.content).toContain('site of cellular respiration');
    expect(sample.hint).toBe(mark.hint.text);

    const outside = await h.core.handle('feedback:inlineMark', { messageId: reply.id, start: 0, end: reply.content.length + 5, correction: 'x' });
    expect(outside).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const reversed = await h.core.handle('feedback:inlineMark', { messageId: reply.id, start: 5, end: 2, correction: 'x' });
    expect(reversed).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const missing = await h.core.handle('feedback:inlineMark', { messageId: 'nope', start: 0, end: 2, correction: 'x' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('an edit records the rewrite as feedback', async () => {
    const { reply } = await replyIn('auto');
    const unchanged = await h.core.handle('feedback:edit', { messageId: reply.id, content: reply.content });
    expect(unchanged).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const edit = await h.invoke('feedback:edit', { messageId: reply.id, content: 'Mitochondria make ATP through cellular respiration.' });
    expect(edit.signal).toMatchObject({ kind: 'edit', reward: -1, source: 'explicit' });
    const sample = outbox().find((r) => r.sampleId === edit.signal.id)!.sample;
    expect(sample.nextState).toEqual({ role: 'feedback', content: 'The user rewrote the reply as:\nMitochondria make ATP through cellular respiration.' });
    expect(sample.hint).toBe(edit.hint?.text ?? null);
  });
});

describe('core: hint review', () => {
  it('holds review-mode hints, releases approved ones with the edited text and rejected ones without', async () => {
    const { persona, reply } = await replyIn('review');
    const a = await h.invoke('feedback:inlineMark', { messageId: reply.id, start: 4, end: 16, correction: 'mitochondrion' });
    const b = await h.invoke('feedback:thumb', { messageId: reply.id, up: false, reason: 'Say that it produces ATP' });
    expect(a.hint.status).toBe('pending');
    expect(b.hint?.status).toBe('pending');
    let rows = outbox();
    expect(rows.map((r) => [r.state, r.sample.hint])).toEqual([
      ['held', null],
      ['held', null],
    ]);
    expect((await h.invoke('box:status', {})).held).toBe(2);
    expect((await h.invoke('hints:list', { personaId: persona.id, status: 'pending' })).map((x) => x.id).sort()).toEqual([a.hint.id, b.hint!.id].sort());

    const approved = await h.invoke('hints:review', { hintId: a.hint.id, action: 'approve', text: 'Use the singular "mitochondrion".' });
    expect(approved).toMatchObject({ status: 'approved', text: 'Use the singular "mitochondrion".', source: 'user' });
    const rejected = await h.invoke('hints:review', { hintId: b.hint!.id, action: 'reject' });
    expect(rejected.status).toBe('rejected');
    rows = outbox();
    expect(rows.map((r) => [r.state, r.sample.hint])).toEqual([
      ['pending', 'Use the singular "mitochondrion".'],
      ['pending', null],
    ]);
    // The rejected hint's words are nowhere in what will be sent.
    expect(JSON.stringify(rows[1]!.sample)).not.toContain(b.hint!.text);
    const twice = await h.core.handle('hints:review', { hintId: a.hint.id, action: 'reject' });
    expect(twice).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const reviewed = await h.invoke('timeline:list', { personaId: persona.id, kinds: ['hint_reviewed'] });
    expect(reviewed).toHaveLength(2);
    expect(await h.invoke('timeline:stats', { personaId: persona.id })).toMatchObject({ hints: 1 });
  });
});

describe('core: the words behind a held hint', () => {
  const correction = 'zorblax reactor of respiration';
  const reason = 'Mention the quokka-shaped cristae';
  const rewrite = 'Mitochondria turn glucose into ATP via oxidative phosphorylation in the Krebs cycle.';
  const words = ['zorblax', 'quokka', 'cristae', 'Krebs', 'oxidative phosphorylation', correction, reason, rewrite];

  it('stay on this machine while held and after a reject; only the reward travels', async () => {
    const { persona, reply } = await replyIn('review');
    const start = reply.content.indexOf('powerhouse');
    const mark = await h.invoke('feedback:inlineMark', { messageId: reply.id, start, end: start + 'powerhouse'.length, correction });
    const thumb = await h.invoke('feedback:thumb', { messageId: reply.id, up: false, reason });
    const edit = await h.invoke('feedback:edit', { messageId: reply.id, content: rewrite });
    const hints = [mark.hint, thumb.hint!, edit.hint!];
    expect(hints.map((x) => x.status)).toEqual(['pending', 'pending', 'pending']);

    const held = outbox();
    expect(held.map((r) => r.state)).toEqual(['held', 'held', 'held']);
    for (const row of held) {
      const json = JSON.stringify(row.sample);
      for (const word of words) expect(json).not.toContain(word);
    }

    for (const hint of hints) await h.invoke('hints:review', { hintId: hint.id, action: 'reject' });
    const released = outbox();
    expect(released.map((r) => [r.state, r.sample.reward, r.sample.hint])).toEqual([
      ['pending', -1, null],
      ['pending', -1, null],
      ['pending', -1, null],
    ]);
    expect(released.map((r) => r.sample.nextState)).toEqual([
      { role: 'feedback', content: 'inline correction (details withheld by the user)' },
      { role: 'feedback', content: 'thumbs down (details withheld by the user)' },
      { role: 'feedback', content: 'edited reply (details withheld by the user)' },
    ]);
    for (const row of released) {
      const json = JSON.stringify(row.sample);
      for (const word of words) expect(json).not.toContain(word);
    }
    expect((await h.invoke('box:status', {})).held).toBe(0);
    expect(await h.invoke('timeline:stats', { personaId: persona.id })).toMatchObject({ hints: 0 });
  });

  it('go out once the hint is approved', async () => {
    const { reply } = await replyIn('review');
    const thumb = await h.invoke('feedback:thumb', { messageId: reply.id, up: false, reason });
    expect(outbox()[0]!.sample.nextState).toEqual({ role: 'feedback', content: 'thumbs down (details withheld by the user)' });
    await h.invoke('hints:review', { hintId: thumb.hint!.id, action: 'approve' });
    expect(outbox()[0]).toMatchObject({
      state: 'pending',
      sample: { reward: -1, hint: thumb.hint!.text, nextState: { role: 'feedback', content: `thumbs down: ${reason}` } },
    });
  });
});

describe('core: held rows whose hint can no longer be reviewed', () => {
  it('are settled, never sent, when a later signal replaces theirs', async () => {
    const { persona, conversation, reply } = await replyIn('review');
    policy.script({ chunks: ['The ribosome builds proteins.'] });
    const follow = await h.invoke('chat:send', { conversationId: conversation.id, content: 'No, I meant what the ribosome does.' });
    await h.waitFor('chat:message', (m) => m.id === follow.assistantMessage.id && m.status !== 'streaming');
    const thumbA = await h.invoke('feedback:thumb', { messageId: follow.assistantMessage.id, up: false, reason: 'Say that it reads mRNA' });
    const inferredHint = (await h.invoke('hints:list', { personaId: persona.id, status: 'pending' })).find((x) => x.signalId === follow.signal!.id);
    expect(inferredHint).toBeDefined();
    expect(thumbA.hint?.status).toBe('pending');
    expect((await h.invoke('box:status', {})).held).toBe(2);

    // A thumb on the first reply replaces the inferred correction; a thumb with a new reason replaces the first.
    const up = await h.invoke('feedback:thumb', { messageId: reply.id, up: true });
    const thumbB = await h.invoke('feedback:thumb', { messageId: follow.assistantMessage.id, up: false, reason: 'meh' });
    expect(thumbB.hint).toBeNull();

    expect((await h.invoke('box:status', {})).held).toBe(0);
    expect(await h.invoke('hints:list', { personaId: persona.id, status: 'pending' })).toEqual([]);
    const rejected = await h.invoke('hints:list', { personaId: persona.id, status: 'rejected' });
    expect(rejected.map((x) => x.id).sort()).toEqual([inferredHint!.id, thumbA.hint!.id].sort());
    const rows = new Map(outbox().map((r) => [r.sampleId, r]));
    for (const id of [follow.signal!.id, thumbA.signal.id]) {
      expect(rows.get(id)).toMatchObject({ state: 'rejected', lastError: 'superseded before review', sample: { hint: null } });
      expect(JSON.stringify(rows.get(id)!.sample)).not.toContain('mRNA');
    }
    // The follow-up the inferred hint came from is not in its row (later turns carry it as context).
    expect(JSON.stringify(rows.get(follow.signal!.id)!.sample)).not.toContain('No, I meant');
    expect(rows.get(up.signal.id)).toMatchObject({ state: 'pending', sample: { supersedes: follow.signal!.id } });
    expect(rows.get(thumbB.signal.id)).toMatchObject({ state: 'pending', sample: { supersedes: thumbA.signal.id } });

    const reviewed = await h.invoke('timeline:list', { personaId: persona.id, kinds: ['hint_reviewed'] });
    expect(reviewed.map((e) => e.data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ hintId: inferredHint!.id, status: 'rejected', reason: 'superseded' }),
        expect.objectContaining({ hintId: thumbA.hint!.id, status: 'rejected', reason: 'superseded' }),
      ]),
    );
    expect(h.events.filter((e) => e.event === 'timeline:appended' && (e.payload as { kind: string }).kind === 'hint_reviewed')).toHaveLength(2);
    const late = await h.core.handle('hints:review', { hintId: thumbA.hint!.id, action: 'approve' });
    expect(late).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('are settled when their persona is deleted', async () => {
    const port = new RecordingSyncPort();
    await h.dispose();
    h = await startCore({ spawnSyncWorker: () => port });
    await h.invoke('settings:update', { box: { url: policy.url } });
    const { persona, reply } = await replyIn('review');
    const thumb = await h.invoke('feedback:thumb', { messageId: reply.id, up: false, reason: 'Say that it produces ATP' });
    const start = reply.content.indexOf('powerhouse');
    const mark = await h.invoke('feedback:inlineMark', { messageId: reply.id, start, end: start + 10, correction: 'ATP factory' });
    expect((await h.invoke('box:status', {})).held).toBe(2);

    const nudgesBefore = port.posted.filter((m) => m.type === 'nudge').length;
    await h.invoke('personas:delete', { id: persona.id });
    expect((await h.invoke('box:status', {})).held).toBe(0);
    // The worker is told to recount, so the status it pushes to the window drains too.
    expect(port.posted.filter((m) => m.type === 'nudge').length).toBe(nudgesBefore + 1);
    expect(outbox().map((r) => [r.sampleId, r.state, r.lastError])).toEqual([
      [thumb.signal.id, 'rejected', 'persona deleted before review'],
      [mark.signal.id, 'rejected', 'persona deleted before review'],
    ]);
    expect((await h.invoke('hints:list', { personaId: persona.id, status: 'rejected' })).map((x) => x.id).sort()).toEqual([thumb.hint!.id, mark.hint.id].sort());
    const reviewed = await h.invoke('timeline:list', { personaId: persona.id, kinds: ['hint_reviewed'] });
    expect(reviewed.map((e) => e.data.reason)).toEqual(['persona_deleted', 'persona_deleted']);
  });
});
