import { describe, expect, it } from 'vitest';
import { classifyFollowUp } from '../../../electron/signals';
import { boundedEditDistance } from '../../../electron/signals/detect-contradiction';
import { comparableNumbers, factsOf } from '../../../electron/signals/fact-tokens';
import { tokenize } from '../../../electron/signals/phrase-index';
import type { FollowUpInput } from '../../../electron/signals/types';

function turn(request: string, assistant: string, nextUser: string): FollowUpInput {
  return { context: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: request }], assistant, nextUser };
}
const classify = (request: string, assistant: string, nextUser: string) => classifyFollowUp(turn(request, assistant, nextUser));

describe('facts: values a reply and a follow-up can disagree on', () => {
  const facts = (text: string) => factsOf(text, tokenize(text).filter((t) => t.kind === 'word'));

  it('reads numbers with units and decimal commas, weekdays, months, platforms', () => {
    expect(facts('150g at 3pm, ratio 1,5').map((f) => f.value)).toEqual(['150', '3', '1.5']);
    expect(facts('150g at 3pm').map((f) => f.unit)).toEqual(['g', 'pm']);
    expect(facts('It was a Wednesday in March on Android').map((f) => `${f.kind}:${f.value}`)).toEqual(['weekday:wednesday', 'month:march', 'platform:android']);
  });

  it('short words that are also plain words count as dates only beside a number', () => {
    expect(facts('I am on it, sun is out').filter((f) => f.kind !== 'platform')).toEqual([]);
    expect(facts('meet at 10 am').map((f) => f.value)).toContain('am');
  });

  it('comparable numbers: both years, or the same order of magnitude and unit', () => {
    const n = (text: string) => facts(text)[0]!;
    expect(comparableNumbers(n('1989'), n('1991'))).toBe(true);
    expect(comparableNumbers(n('1989'), n('12'))).toBe(false);
    expect(comparableNumbers(n('391'), n('381'))).toBe(true);
    expect(comparableNumbers(n('3'), n('160'))).toBe(false);
    expect(comparableNumbers(n('150g'), n('100g'))).toBe(true);
    expect(comparableNumbers(n('150g'), n('100ml'))).toBe(false);
  });

  it('bounded edit distance gives up early but is exact within the bound', () => {
    expect(boundedEditDistance('dana', 'diana', 1)).toBe(1);
    expect(boundedEditDistance('priya', 'pria', 1)).toBe(1);
    expect(boundedEditDistance('kitten', 'sitting', 3)).toBe(3);
    expect(boundedEditDistance('abc', 'xyzuvw', 1)).toBe(2);
  });
});

describe('corrections without cue words: the user states a value that contradicts the reply', () => {
  it('a bare number against the reply\'s number', () => {
    const v = classify('what is 17 * 23', '17 × 23 = 381.', "it's 391");
    expect(v).toMatchObject({ label: 'correction', reward: -1 });
    expect(v.evidence.join(' ')).toContain('states "391"; the reply said "381"');
    expect(v.hint).toContain('391');
  });

  it('a year, a weekday', () => {
    expect(classify('when did the berlin wall fall', 'The Berlin Wall fell on 9 November 1991.', '1989').label).toBe('correction');
    expect(classify('what day of the week is 1 january 2025', '1 January 2025 is a Thursday.', 'it was a wednesday').label).toBe('correction');
  });

  it('a value from the request that the reply replaced', () => {
    const v = classify('email my landlord asking to extend the lease by 6 months', 'Dear landlord, I would like to extend my lease by 12 months.', '6 months');
    expect(v.label).toBe('correction');
    expect(v.evidence.join(' ')).toMatch(/restates "6" from the request/);
    const day = classify('book a call with Lena on Tuesday or Thursday afternoon', 'Booked: Tuesday at 2pm.', 'thursday works better for me actually');
    expect(day.label).toBe('correction');
  });

  it('a name the reply misspelled', () => {
    const v = classify('remind me of my manager\'s name, it is Dana', 'Your manager is called Diana.', 'Dana. D-A-N-A');
    expect(v.label).toBe('correction');
    expect(v.evidence.join(' ')).toContain('spells "dana"; the reply wrote "diana"');
  });

  it('praise that opens the message still wins; a later comparison does not', () => {
    expect(classify('convert 5 miles to km', '5 miles is about 8.05 km.', 'perfect, 8 it is').label).toBe('positive');
    expect(classify('rice to water ratio for basmati', 'Use 1 cup of rice to 2 cups of water.', '1:1.5 works way better for basmati, 2 makes it mushy').label).toBe('correction');
  });

  it('not a contradiction: answers to the reply\'s question, next steps, new questions', () => {
    expect(classify('can you write an out of office message', 'Sure, what dates will you be away? I need 2 dates.', 'dec 22 to jan 6').label).toBe('neutral');
    expect(classify('solve 2x + 5 = 17', '2x = 12, so x = 6.', 'now 3x - 4 = 11').label).toBe('neutral');
    expect(classify('what is 2^10', '2^10 = 1024.', 'and 2^20').label).toBe('neutral');
    expect(classify('how many calories to lose weight, 80kg', 'Roughly 2,000 kcal a day.', 'how many grams of protein for 80 kg?').label).not.toBe('correction');
  });
});

describe('re-asks without cue words', () => {
  it('a short pointer at request words the reply never used', () => {
    const v = classify('what year did the first moon landing happen', 'The Apollo program was NASA\'s effort to land humans on the Moon.', 'just the year please');
    expect(v).toMatchObject({ label: 'requery', reward: -1 });
    expect(v.evidence.join(' ')).toMatch(/repeats request term\(s\) the reply missed: year/);
    expect(classify('which is cheaper per month, netflix or disney plus', 'Both have large libraries of films and series.', 'which one is cheaper though').label).toBe('requery');
  });

  it('the request asked for a value the reply never gave, asked again in other words', () => {
    const v = classify('how long do i boil an egg for a runny yolk', 'Eggs are a great source of protein and can be cooked in many ways.', 'ok but how many minutes?');
    expect(v.label).toBe('requery');
  });

  it('building on a reply that used those words is not a re-ask', () => {
    expect(classify('why do cats purr', 'Cats purr when content, and also when stressed.', 'interesting. do big cats purr too?').label).toBe('neutral');
    expect(classify('how long do i boil an egg', 'About 6 minutes for a runny yolk.', 'and for hard boiled?').label).toBe('neutral');
    expect(classify('what should I write in a cover letter', 'Open with the role, then two achievements.', 'this sounds like every other cover letter').label).not.toBe('requery');
  });

  it('"again?" / "so?" alone nudge for an answer', () => {
    expect(classify('when is my next meeting with design', 'Meetings help teams stay aligned.', 'again?').label).toBe('requery');
    expect(classify('when is my next meeting with design', 'Meetings help teams stay aligned.', 'so??').label).toBe('requery');
    expect(classify('when is my next meeting with design', 'It is on Friday at 10.', 'again tomorrow I guess').label).not.toBe('requery');
  });
});

describe('praise, negation, sarcasm and answers', () => {
  it('praise under a negation is not praise', () => {
    expect(classify('probability of at least one six in 4 rolls', 'It is 4 × 1/6 = 2/3.', "that's not how it works, it's 1 - (5/6)^4").label).toBe('correction');
    expect(classify('name ideas', 'Milo, Luna, Bean.', 'not great').label).not.toBe('positive');
  });

  it('praise taken back: a one-word last sentence, or a complaint before bare praise', () => {
    expect(classify('tips for sleeping', 'Sleep more.', 'wow, super helpful. really.').label).toBe('negative_other');
    expect(classify('how do I keep my pan from rusting', 'Wash it and leave it to air dry.', 'still broken. great advice.').label).toBe('negative_other');
    expect(classify('how do I keep my pan from rusting', 'Dry it on the stove, then oil it lightly.', 'great advice, thanks!').label).toBe('positive');
  });

  it('"no" answering the reply\'s own question is an answer, not a correction', () => {
    expect(classify('translate my CV into German', 'Sure. Should I translate the job titles too?', 'no keep them in english').label).toBe('neutral');
    expect(classify('translate my CV into German', 'Here it is: Lebenslauf …', 'no, keep the job titles in english').label).toBe('correction');
  });

  it('":D" is a smiley, not the letter D', () => {
    expect(classify('spell my name', 'Your name is Diana.', 'Dana. D-A-N-A').label).not.toBe('positive');
    expect(classify('tell me a joke', 'Why did the scarecrow win an award? He was outstanding in his field.', 'haha :D').label).toBe('positive');
    expect(classify('give me a backup plan', 'Plan B: take the train.', 'ok and plan D').label).not.toBe('positive');
    expect(tokenize('ok :-) at 10:30').map((t) => `${t.kind}:${t.key}`)).toEqual(['word:ok', 'emoji::)', 'word:at', 'word:10', 'symbol::', 'word:30']);
  });
});

describe('Spanish and French are read, not skipped', () => {
  it.each([
    ['receta de guacamole', 'Machaca 3 aguacates con lima y sal.', 'gracias!! quedó buenísimo', 'positive'],
    ['¿cómo arreglo una fuga en el grifo?', 'Las fugas pueden ser molestas.', 'no sirves para nada', 'negative_other'],
    ['¿A qué hora cierra el Prado?', 'El Prado tiene obras de Velázquez y Goya.', 'pero a qué hora cierra?', 'requery'],
    ['Quel est le train le plus rapide entre Paris et Lyon ?', 'Le TGV met environ 4 heures.', "non, c'est environ 2 heures en TGV", 'correction'],
    ['aide-moi à choisir un vélo', 'Il existe beaucoup de vélos.', 'merci pour rien', 'negative_other'],
    ['comment faire une pâte à crêpes ?', '250 g de farine, 4 œufs, 50 cl de lait.', 'et pour une version sans œufs ?', 'neutral'],
  ])('%s … %s → %s', (request, assistant, next, label) => {
    const v = classify(request, assistant, next);
    expect(v.label).toBe(label);
    expect(v.evidence[0]).toMatch(/^language:(es|fr|und)/);
  });
});
