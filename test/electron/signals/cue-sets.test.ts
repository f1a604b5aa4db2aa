import { describe, expect, it } from 'vitest';
import { compileCueSet, PHRASE_CATEGORIES } from '../../../electron/signals/compile-cues';
import { LANGUAGE_CUE_SETS, UNIVERSAL_CUE_SET } from '../../../electron/signals/cues/index';
import { PhraseIndex, tokenize } from '../../../electron/signals/phrase-index';

describe('cue sets are well-formed data', () => {
  const all = [...LANGUAGE_CUE_SETS, UNIVERSAL_CUE_SET];

  it('there is English plus at least one more language, each with stopwords and templates', () => {
    const languages = LANGUAGE_CUE_SETS.map((s) => s.language);
    expect(languages[0]).toBe('en');
    expect(languages.length).toBeGreaterThanOrEqual(2);
    for (const set of LANGUAGE_CUE_SETS) {
      expect(set.stopwords.length).toBeGreaterThan(20);
      for (const template of Object.values(set.templates)) expect(template.trim().length).toBeGreaterThan(0);
    }
  });

  it('every phrase tokenises to something matchable', () => {
    for (const set of all) {
      for (const category of PHRASE_CATEGORIES) {
        for (const phrase of set[category] ?? []) expect(tokenize(phrase).length, `${set.language}.${category}: "${phrase}"`).toBeGreaterThan(0);
      }
    }
  });

  it('directive patterns compile, are written in lower case, and name prefilter words', () => {
    for (const set of all) {
      const compiled = compileCueSet(set);
      expect(compiled.directives).toHaveLength(set.directives.length);
      for (const d of set.directives) {
        // Patterns run on lower-cased text: an upper-case letter outside an escape could never match.
        expect(d.pattern.replace(/\\[pPdDsSwWbBu]/g, '').replace(/\{[A-Za-z_=]+\}/g, ''), `${set.language}/${d.name}`).not.toMatch(/[A-Z]/);
        expect(d.requires.length, `${set.language}/${d.name} requires`).toBeGreaterThan(0);
        expect(d.requires.every((r) => r === r.toLowerCase())).toBe(true);
      }
    }
  });

  it('no phrase is both praise and complaint in one language', () => {
    for (const set of all) {
      const negative = new Set(set.negative.map((p) => p.toLowerCase()));
      expect(set.positive.filter((p) => negative.has(p.toLowerCase())), set.language).toEqual([]);
    }
  });
});

describe('PhraseIndex', () => {
  const index = new PhraseIndex(['thank you', 'thank you so much', "don't", 'great another', '👍', '??']);
  const match = (text: string) => {
    const tokens = tokenize(text);
    return index.matchAll(tokens.filter((t) => t.kind === 'word'), tokens.filter((t) => t.kind !== 'word')).map((h) => text.slice(h.index, h.end));
  };

  it('longest phrase first, whole words only, punctuation and case ignored', () => {
    expect(match('Thank you so much!')).toEqual(['Thank you so much']);
    expect(match('thankyou')).toEqual([]);
    expect(match('Great, another one')).toEqual(['Great, another']);
    expect(match('I DONT know')).toEqual(['DONT']);
    expect(match("I don’t know")).toEqual(['don’t']);
  });

  it('emoji ignore skin tones; symbol phrases match inside runs', () => {
    expect(match('👍🏿 ok')).toEqual(['👍🏿']);
    expect(match('what???')).toEqual(['???']);
  });
});
