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
  /** Frequent function words: pick the language and are ignored when comparing requests. */
  stopwords: string[];
  /** Thanks and approval. */
  positive: string[];
  /** Negative without a directive: "this is useless", failure reports. */
  negative: string[];
  /** Sarcasm markers: praise words used to complain ("great, another wall of text"). */
  sarcasm: string[];
  /** A last sentence that turns praise before it into sarcasm ("super helpful. really."). */
  sarcasmTails?: string[];
  /**
   * Interjections that open a deadpan verdict ("wow. amazing work there", "wow, so creative"): read as
   * sarcasm when set off by "." or "," in a short message with no "!", thanks or happy emoji.
   */
  deadpanOpeners?: string[];
  /**
   * Complaint adjectives ("boring", "terrible") that describe the user's own world when they stand before
   * a noun in an answer to the reply's question ("boring stuff at my job"): no verdict on the reply.
   */
  describingComplaints?: string[];
  /**
   * Words naming another item of the kind just made ("another", "one for my twitter", "otro"): a style ask
   * after them and after praise ("perfect, now one for twitter, shorter") shapes the new item, not the reply.
   */
  newItemWords?: string[];
  /** A closing "<choice> it is" that takes up a suggestion ("Milo it is!", "REST it is."): approval. */
  choiceTails?: string[];
  /**
   * Aux + pronoun pairs that ask even mid-clause, without "?" ("its a wool rug does that change anything").
   * A message holding one after its first words ends by asking, like a question-opened last clause.
   */
  inversions?: string[];
  /** Phrases that say the reply should have been different (without a structured pattern). */
  correction: string[];
  /** Words that signal a correction only when they open the message ("no, …", "actually …"). */
  correctionOpeners: string[];
  /** Words that signal approval only when they open the message ("exactly", "correct"). */
  positiveOpeners: string[];
  /** Openers of a new question ("how do i"): cue words inside one ("… instead of sums?") are not a correction. */
  questionOpeners: string[];
  /** Words right before a praise word that make it a wish, not praise ("something Welsh would be nice"). */
  hypotheticals?: string[];
  /** A reply's question that proposes rather than asks ("How about Luna or Milo?"): a fact after it still corrects. */
  proposalOpeners?: string[];
  /** Second-person words: a reply's question asks the user something only if it addresses them ("what's your budget?"). */
  secondPerson?: string[];
  /** First-person subjects ("i", "we're", "ich"): a message opened by one is a clause, not a bare fragment. */
  firstPerson?: string[];
  /** Words that carry nothing before an opener ("ok so how …", "lol no."): openers are also read after them. */
  fillers?: string[];
  /** Message openers that turn a question into a re-ask ("but can it …?", "ok and how …?"). */
  requeryOpeners: string[];
  /** Phrases that say the question was not answered or is being asked again. */
  requery: string[];
  /** Words that, alone with a "?", ask the last question again ("again?", "so?"). */
  bareReasks?: string[];
  /** Phrases in a request that ask for a value (a number, time or date): "how long", "what year". */
  valueQuestions?: string[];
  /** Words that turn a sentence around: "thanks, but …". */
  contrast: string[];
  /** Phrases that move the conversation on: "what about", "also", "next". */
  followUp: string[];
  /** Bare acknowledgements that carry no verdict: "ok", "hmm". */
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
    /** Fallback when only a correction cue was found; {message} is the user's message. */
    genericCorrection: string;
    /** A bare fragment ("android", "UK cup") that specifies what the reply missed; {message}. */
    specification: string;
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
