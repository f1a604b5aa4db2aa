import type { InferredLabel } from '../../shared/domain';

/** One detector's finding, before the classifier weighs the detectors against each other. */
export interface Detection {
  label: InferredLabel;
  confidence: number;
  evidence: string[];
  hint: string | null;
  /** A weak finding yields to a stronger detector (e.g. "make it …" against "let me rephrase"). */
  weak?: boolean;
  /** A correction read from a statement of fact ("it's a Mac"); a complaint in the message wins over it. */
  statement?: boolean;
  /** Where in the message the finding starts (directives), to tell what it is about. */
  at?: number;
}
