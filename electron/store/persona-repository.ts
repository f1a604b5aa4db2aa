import { randomUUID } from 'node:crypto';
import type { HintMode, Persona } from '../../shared/domain';
import type { Db } from './open-database';
import { prepareOnce } from './prepare-once';

interface RawPersona {
  id: string;
  name: string;
  system_prompt: string;
  hint_mode: HintMode;
  created_at: number;
  updated_at: number;
}

function toPersona(raw: RawPersona): Persona {
  return {
    id: raw.id,
    name: raw.name,
    systemPrompt: raw.system_prompt,
    hintMode: raw.hint_mode,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

export interface NewPersona {
  name: string;
  systemPrompt: string;
  hintMode?: HintMode;
}

export type PersonaPatch = Partial<NewPersona>;

/** Personas are soft-deleted: their signals, hints and timeline stay attributable. */
export class PersonaRepository {
  constructor(private readonly db: Db) {}

  create(input: NewPersona, now = Date.now()): Persona {
    const raw = prepareOnce(
        this.db,
        `INSERT INTO personas (id, name, system_prompt, hint_mode, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(randomUUID(), input.name, input.systemPrompt, input.hintMode ?? 'auto', now, now) as RawPersona;
    return toPersona(raw);
  }

  /** Live personas only, oldest first (the first one is the default). */
  list(): Persona[] {
    const raws = prepareOnce(this.db, `SELECT * FROM personas WHERE deleted_at IS NULL ORDER BY created_at, rowid`)
      .all() as RawPersona[];
    return raws.map(toPersona);
  }

  get(id: string): Persona | null {
    const raw = prepareOnce(this.db, `SELECT * FROM personas WHERE id = ? AND deleted_at IS NULL`).get(id) as
      | RawPersona
      | undefined;
    return raw ? toPersona(raw) : null;
  }

  update(id: string, patch: PersonaPatch, now = Date.now()): Persona | null {
    const raw = prepareOnce(
        this.db,
        `UPDATE personas SET
           name = COALESCE(?, name),
           system_prompt = COALESCE(?, system_prompt),
           hint_mode = COALESCE(?, hint_mode),
           updated_at = ?
         WHERE id = ? AND deleted_at IS NULL RETURNING *`,
      )
      .get(patch.name ?? null, patch.systemPrompt ?? null, patch.hintMode ?? null, now, id) as RawPersona | undefined;
    return raw ? toPersona(raw) : null;
  }

  /** Returns false when there was no live persona with this id. */
  softDelete(id: string, now = Date.now()): boolean {
    const info = prepareOnce(this.db, `UPDATE personas SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`)
      .run(now, now, id);
    return info.changes === 1;
  }

  /** Counts every persona ever created, deleted ones included (first-run detection). */
  countAll(): number {
    return (prepareOnce(this.db, `SELECT COUNT(*) AS n FROM personas`).get() as { n: number }).n;
  }
}
