import type { Db } from '../../../electron/store/open-database';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import type { SignalSample } from '../../../shared/protocol/box-stream';

/**
 * Minimal valid rows behind outbox entries: a persona, a conversation, and per sample an assistant
 * message and a signal (the outbox's foreign keys), then the sample itself through OutboxRepository.
 */

export function seedPersona(db: Db, personaId = 'persona-1'): void {
  const now = Date.now();
  db.prepare(
    `INSERT OR IGNORE INTO personas (id, name, system_prompt, hint_mode, created_at, updated_at) VALUES (?, ?, ?, 'auto', ?, ?)`,
  ).run(personaId, `Persona ${personaId}`, 'Be helpful.', now, now);
  db.prepare(`INSERT OR IGNORE INTO conversations (id, persona_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`).run(
    `conv-${personaId}`,
    personaId,
    'Test conversation',
    now,
    now,
  );
}

export function enqueueSamples(
  db: Db,
  count: number,
  opts: { personaId?: string; prefix?: string; held?: boolean } = {},
): string[] {
  const personaId = opts.personaId ?? 'persona-1';
  const prefix = opts.prefix ?? 's';
  const conversationId = `conv-${personaId}`;
  seedPersona(db, personaId);
  const outbox = new OutboxRepository(db);
  const ids: string[] = [];
  db.transaction(() => {
    const maxSeq = (db.prepare(`SELECT COALESCE(MAX(seq), 0) AS s FROM messages WHERE conversation_id = ?`).get(conversationId) as { s: number }).s;
    for (let i = 0; i < count; i += 1) {
      const now = Date.now();
      const messageId = `${prefix}-msg-${i}`;
      const signalId = `${prefix}-sig-${i}`;
      const sampleId = `${prefix}-${String(i).padStart(4, '0')}`;
      db.prepare(
        `INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at, updated_at)
         VALUES (?, ?, ?, 'assistant', ?, 'complete', ?, ?)`,
      ).run(messageId, conversationId, maxSeq + i + 1, `Reply ${i}`, now, now);
      db.prepare(
        `INSERT INTO signals (id, persona_id, conversation_id, message_id, kind, reward, confidence, source, evidence, created_at)
         VALUES (?, ?, ?, ?, 'positive', 1, 0.9, 'heuristic', '[]', ?)`,
      ).run(signalId, personaId, conversationId, messageId, now);
      const sample: SignalSample = {
        sampleId,
        personaId,
        conversationId,
        turnId: messageId,
        messages: [
          { role: 'system', content: 'Be helpful.' },
          { role: 'user', content: `Question ${i}` },
        ],
        response: `Reply ${i}`,
        nextState: { role: 'user', content: 'thanks!' },
        reward: 1,
        rewardSource: 'heuristic',
        signalKind: 'positive',
        confidence: 0.9,
        hint: null,
        supersedes: null,
        policyVersion: null,
        createdAt: now,
      };
      outbox.enqueue(sample, signalId, { held: opts.held ?? false, now });
      ids.push(sampleId);
    }
  })();
  return ids;
}
