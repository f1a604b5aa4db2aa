import type { CueSet } from './cue-set';
import { DE } from './de';
import { EN } from './en';
import { ES } from './es';
import { FR } from './fr';
import { IT } from './it';
import { NL } from './nl';
import { PT } from './pt';
import { UNIVERSAL } from './universal';

export type { CueSet, DirectivePattern } from './cue-set';

/** Languages the engine reads, in tie-break order. Add a language by adding its file here. */
export const LANGUAGE_CUE_SETS: readonly CueSet[] = [EN, DE, ES, FR, IT, PT, NL];

/** Cues that apply whatever the language (emoji, thanks words). */
export const UNIVERSAL_CUE_SET: CueSet = UNIVERSAL;
