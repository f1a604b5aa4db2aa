/**
 * A language's cues as plain data, so a new language is one new file (see cues/en.ts).
 * Phrases are matched case-insensitively on whole words after text normalisation; patterns are
 * regular expressions whose named groups feed hint templates ({name} placeholders).
 */

export interface DirectivePattern {
  /** Short name shown in evidence, e.g. 'change-to'. */
  name: string;
  /** A statement of fact rather than an instruction ("it's a Mac"): a complaint in the same message wins. */
  statement?: boolean;
  /** Weak directives ("make it …", "it should …") yield to an explicit re-query cue. */
  weak?: boolean;
  /**
   * Says the reply was wrong ("I meant …", "you forgot …", "too long"), not just what to do next ("add …",
   * "change X to Y", "make it shorter"). Only these count as evidence for an inferred −1; every directive
   * still phrases hints for explicit signals (thumbs reasons, inline marks).
   */
  verdict?: boolean;
  /** Lower-case words of which one must appear for the pattern to be tried (a cheap prefilter). */
  requires: string[];
  /** Matched with the 'u' flag against lower-cased normalised text; write it in lower case. */
  pattern: string;
  /** Hint text with {group} placeholders; {clause} is the whole matched clause as an imperative. */
  hint: string;
}

export interface CueSet {
  /** BCP-47 tag, e.g. 'en'. 'und' for cues that hold in any language (emoji, thanks words). */
  language: string;
  /** Frequent function words: they pick the language and are not content words in a hint. */
  stopwords: string[];
  /** Thanks and approval: a +1 only in a short message that says nothing else (read-follow-up.ts). */
  positive: string[];
  /** Complaints about the reply ("this is useless", "that doesn't work"): strong −1 evidence, so only unambiguous ones. */
  negative: string[];
  /** Explicit sarcasm markers ("thanks for nothing", "wall of text"): a complaint in praise words. */
  sarcasm: string[];
  /** Correction words ("i meant", "typo"): they help pick the language; a −1 needs a verdict directive. */
  correction: string[];
  /** Openers of a new question ("how do i", "can i"): a directive's verb inside one is the user's own step. */
  questionOpeners: string[];
  /** Words right before a praise word that make it about the user, not the reply ("i'm great", "i'm doing fine"). */
  selfStates?: string[];
  /** Words right before a praise word that make it a wish, not praise ("something Welsh would be nice"). */
  hypotheticals?: string[];
  /** First-person subjects ("i", "we're", "ich"): a verb after one, in a question, is the user's own step. */
  firstPerson?: string[];
  /**
   * Phrases that say the reply was not understood ("what do you mean", "i don't understand you"); a one-word
   * one ("what", "huh") only as the whole message. Weak evidence: shown, and trained only through a judge.
   */
  confusion?: string[];
  /** Phrases that say the question was not answered or is being asked again, in so many words ("i asked …"). */
  requery: string[];
  /** Words that turn a sentence around ("thanks, but …"): praise before one is no verdict. */
  contrast: string[];
  /** Phrases that move the conversation on ("what about", "also", "now"): praise before one is no verdict. */
  followUp: string[];
  /** Bare acknowledgements that carry no verdict ("ok", "hmm"): they help pick the language. */
  acknowledgement: string[];
  /** Phrases removed before matching because they contain cue words but mean nothing ("no worries"). */
  benign: string[];
  /** Lead-ins stripped from captured words before they go into a hint ("I said Tuesday" → "Tuesday"). */
  leadIns: string[];
  /** Politeness to strip when turning a request into an imperative hint ("can you", "please"). */
  politeness: string[];
  /** Structured corrections with hint templates, tried in order. */
  directives: DirectivePattern[];
  /** Adjective or comparative (as in "too long", "shorter") → what the reply should have done. */
  styleFixes: Record<string, string>;
  /** Hint templates for this language. */
  templates: {
    /** Wraps an imperative clause taken from the user's words. */
    followInstruction: string;
    /** "too X" for an X without a known fix; {style}. */
    tooGeneric: string;
    /** The user rated the reply with a reason. */
    thumbReason: string;
    /** Inline mark: {quote} should have been {correction}. */
    inlineMark: string;
    /** Inline mark whose correction is an instruction: {quote} and {instruction}. */
    inlineMarkInstruction: string;
    /** Inline mark without a usable quote. */
    inlineMarkNoQuote: string;
    /** Edit hints. */
    editReplace: string;
    editRemove: string;
    editAdd: string;
    editShorter: string;
    editLonger: string;
    editRewrite: string;
  };
}
