import { randomUUID } from 'node:crypto';
import type { HintMode, Persona, PersonaParameters } from '../../shared/domain';
import type { Db } from './open-database';
import { prepareOnce } from './prepare-once';

interface RawPersona {
  id: string;
  name: string;
  system_prompt: string;
  hint_mode: HintMode;
  created_at: number;
  updated_at: number;
  model: string | null;
  temperature: number | null;
  max_tokens: number | null;
  learning: 0 | 1;
}

function toPersona(raw: RawPersona): Persona {
  return {
    id: raw.id,
    name: raw.name,
    systemPrompt: raw.system_prompt,
    hintMode: raw.hint_mode,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    model: raw.model,
    temperature: raw.temperature,
    maxTokens: raw.max_tokens,
    learning: raw.learning === 1,
  };
}

export interface NewPersona extends PersonaParameters {
  name: string;
  systemPrompt: string;
  hintMode?: HintMode;
  /** Imports keep the id the persona had where it was exported. */
  id?: string;
}

/** Absent fields stay as they are; a null parameter goes back to the policy settings. */
export type PersonaPatch = Partial<Omit<NewPersona, 'id'>>;

/** '' is no model of its own. */
function modelOrNull(model: string | null | undefined): string | null {
  return model?.trim() ? model.trim() : null;
}

/** Personas are soft-deleted: their signals, hints and timeline stay attributable. */
export class PersonaRepository {
  constructor(private readonly db: Db) {}

  create(input: NewPersona, now = Date.now()): Persona {
    const raw = prepareOnce(
        this.db,
        `INSERT INTO personas (id, name, system_prompt, hint_mode, model, temperature, max_tokens, learning, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        input.id ?? randomUUID(),
        input.name,
        input.systemPrompt,
        input.hintMode ?? 'auto',
        modelOrNull(input.model),
        input.temperature ?? null,
        input.maxTokens ?? null,
        input.learning === false ? 0 : 1,
        now,
        now,
      ) as RawPersona;
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
           name = COALESCE(:name, name),
           system_prompt = COALESCE(:systemPrompt, system_prompt),
           hint_mode = COALESCE(:hintMode, hint_mode),
           model = CASE WHEN :setModel THEN :model ELSE model END,
           temperature = CASE WHEN :setTemperature THEN :temperature ELSE temperature END,
           max_tokens = CASE WHEN :setMaxTokens THEN :maxTokens ELSE max_tokens END,
           learning = COALESCE(:learning, learning),
           updated_at = :now
         WHERE id = :id AND deleted_at IS NULL RETURNING *`,
      )
      .get({
        id,
        now,
        name: patch.name ?? null,
        systemPrompt: patch.systemPrompt ?? null,
        hintMode: patch.hintMode ?? null,
        setModel: patch.model !== undefined ? 1 : 0,
        model: modelOrNull(patch.model),
        setTemperature: patch.temperature !== undefined ? 1 : 0,
        temperature: patch.temperature ?? null,
        setMaxTokens: patch.maxTokens !== undefined ? 1 : 0,
        maxTokens: patch.maxTokens ?? null,
        learning: patch.learning === undefined ? null : patch.learning ? 1 : 0,
      }) as RawPersona | undefined;
    return raw ? toPersona(raw) : null;
  }

  /** Returns false when there was no live persona with this id. */
  softDelete(id: string, now = Date.now()): boolean {
    const info = prepareOnce(this.db, `UPDATE personas SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`)
      .run(now, now, id);
    return info.changes === 1;
  }

  /** Brings back a deleted persona (its conversations are imported again); false when none was deleted. */
  restore(id: string, now = Date.now()): boolean {
    return (
      this.db.prepare(`UPDATE personas SET deleted_at = NULL, updated_at = ? WHERE id = ? AND deleted_at IS NOT NULL`).run(now, id).changes === 1
    );
  }

  /** Counts every persona ever created, deleted ones included (first-run detection). */
  countAll(): number {
    return (prepareOnce(this.db, `SELECT COUNT(*) AS n FROM personas`).get() as { n: number }).n;
  }
}
