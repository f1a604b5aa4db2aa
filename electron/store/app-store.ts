import { ConversationRepository } from './conversation-repository';
import { HeldNextStateRepository } from './held-next-state-repository';
import { HintRepository } from './hint-repository';
import { MessageRepository } from './message-repository';
import { openDatabase, type Db } from './open-database';
import { OutboxRepository } from './outbox-repository';
import { PersonaRepository } from './persona-repository';
import { SignalRepository } from './signal-repository';
import { TimelineRepository } from './timeline-repository';
import { WithdrawalRepository } from './withdrawal-repository';

/** One SQLite connection and the repositories that share it (so they can share transactions). */
export interface AppStore {
  db: Db;
  file: string;
  personas: PersonaRepository;
  conversations: ConversationRepository;
  messages: MessageRepository;
  signals: SignalRepository;
  hints: HintRepository;
  outbox: OutboxRepository;
  heldNextStates: HeldNextStateRepository;
  timeline: TimelineRepository;
  /** Removed signals the box must be told about. */
  withdrawals: WithdrawalRepository;
  close(): void;
}

export function openAppStore(file: string): AppStore {
  const db = openDatabase(file);
  return {
    db,
    file,
    personas: new PersonaRepository(db),
    conversations: new ConversationRepository(db),
    messages: new MessageRepository(db),
    signals: new SignalRepository(db),
    hints: new HintRepository(db),
    outbox: new OutboxRepository(db),
    heldNextStates: new HeldNextStateRepository(db),
    timeline: new TimelineRepository(db),
    withdrawals: new WithdrawalRepository(db),
    close: () => db.close(),
  };
}
