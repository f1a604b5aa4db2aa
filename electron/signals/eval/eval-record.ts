import { z } from 'zod';
import { InferredLabelSchema } from '../../../shared/domain';

/**
 * One labelled record of an eval set (JSONL). A developer file format read only by the eval CLI,
 * so its schema lives beside it rather than in shared/.
 */
export const EvalRecordSchema = z.object({
  id: z.string().min(1).max(200),
  context: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
  assistant: z.string(),
  next_user: z.string(),
  label: InferredLabelSchema,
});
export type EvalRecord = z.infer<typeof EvalRecordSchema>;

export interface ParsedEvalFile {
  records: EvalRecord[];
  /** 'line N: why' for every line that was skipped. */
  errors: string[];
}

/** Parses JSONL; bad lines are skipped and reported with their line number, blank lines ignored. */
export function parseEvalJsonl(text: string): ParsedEvalFile {
  const records: EvalRecord[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      errors.push(`line ${i + 1}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    const parsed = EvalRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      errors.push(`line ${i + 1}: ${issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'invalid record'}`);
      return;
    }
    records.push(parsed.data);
  });
  return { records, errors };
}

function fnv1a(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Stable split so tuning never sees the held-out quarter: FNV-1a of the id, every 4th bucket held out. */
export function evalSplitOf(id: string): 'tune' | 'holdout' {
  return fnv1a(id) % 4 === 0 ? 'holdout' : 'tune';
}

export type EvalHalf = 'A' | 'B';

/**
 * Stable halves of any eval file (tune on A, report on B). Uses a high bit of the same hash, so the
 * halves are independent of the tune/holdout quarter (which is decided by the low bits).
 */
export function evalHalfOf(id: string): EvalHalf {
  return (fnv1a(id) >>> 16) & 1 ? 'B' : 'A';
}
