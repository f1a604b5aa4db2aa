import { describe, expect, it } from 'vitest';
import { classifyFollowUp } from '../../../electron/signals';
import { comparableNumbers, factsOf } from '../../../electron/signals/fact-tokens';
import { tokenize } from '../../../electron/signals/phrase-index';
import type { FollowUpInput } from '../../../electron/signals/types';

function turn(request: string, assistant: string, nextUser: string): FollowUpInput {
  return { context: [{ role: 'user', content: request }], assistant, nextUser };
}
const classify = (request: string, assistant: string, nextUser: string) => classifyFollowUp(turn(request, assistant, nextUser));
const facts = (text: string) => factsOf(text, tokenize(text).filter((t) => t.kind === 'word'));

describe('a question at the end, with or without "?", makes what comes before it context', () => {
  const interest = 'You earn interest on your interest: €1,000 at 5% becomes €1,050 after a year, then 5% of €1,050 is €52.50.';

  it('after fillers ("ok so how much …"), numbers in a new question contradict nothing', () => {
    const v = classify('explain compound interest simply', interest, 'ok so how much would 200 a month become in 25 years at 6 percent');
    expect(v.label).toBe('neutral');
    // The same value stated without a question still contradicts the reply.
    expect(classify('explain compound interest simply', interest, 'it becomes 1,102.50').label).toBe('correction');
  });

  it('"it\'s …, <question>" is context for a new ask; "it\'s X" alone corrects', () => {
    const nginx = 'Raise client_max_body_size in the server block, then reload nginx.';
    expect(classify('nginx returns 413 on uploads', nginx, 'its behind cloudflare too, does that cap anything').label).toBe('neutral');
    expect(classify('my laptop fan is loud', 'Check which app uses the CPU, then clean the vents.', "It's a 2019 MacBook Pro. where do I see which app uses the CPU on a mac").label).toBe('neutral');
    expect(classify("what's the capital of australia", 'The capital of Australia is Sydney.', "it's Canberra").label).toBe('correction');
  });

  it('"it\'s X" as the last sentence after a short one still corrects', () => {
    const logs = 'Use kubectl logs <pod> --since=1h to see logs from the crashed container.';
    const v = classify('k8s: logs from the previous crashed container', logs, "that's the current one. it's --previous / -p");
    expect(v.label).toBe('correction');
    expect(v.hint).toContain('--previous');
  });

  it('a weak directive inside a question is no correction ("… under 400 euros")', () => {
    const desks = 'Pros: less sitting. Cons: standing all day is not healthy either. Alternate every 30 to 60 minutes.';
    expect(classify('pros and cons of a standing desk', desks, 'which one would you recommend under 400 euros').label).toBe('neutral');
    expect(classify('write a product blurb', 'Meet the desk that moves with you: quiet motors, four memory presets.', 'under 40 words').label).toBe('correction');
  });

  it('openers are read after fillers: "lol no." corrects, "oh no" complains', () => {
    expect(classify('make this sound professional', 'Greetings esteemed colleagues, it is with profound regret …', 'lol no. nobody writes like that').reward).toBe(-1);
    expect(classify('caption for a beach photo', 'Living my best life!!! #beach #summer #vibes #blessed', 'oh no. cringe')).toMatchObject({ label: 'negative_other', reward: -1 });
  });
});

describe('numbers: units and thousands decide what a value can contradict', () => {
  it('a unit word after the number is its unit; hours do not compare with minutes', () => {
    expect(facts('8 hours ahead').map((f) => f.unit)).toEqual(['hour']);
    expect(comparableNumbers(facts('8 hours')[0]!, facts('30 minutes')[0]!)).toBe(false);
    expect(comparableNumbers(facts('2 weeks')[0]!, facts('3 weeks')[0]!)).toBe(true);
    const oneOnOne = 'Weekly for 30 minutes is the usual default.';
    expect(classify('how often should I do 1:1s', oneOnOne, 'one of them is remote in a timezone 8 hours ahead').label).toBe('neutral');
  });

  it('an amount with a unit is not a year', () => {
    expect(comparableNumbers(facts('1100 euros')[0]!, facts('since 2023')[0]!)).toBe(false);
    expect(comparableNumbers(facts('1989')[0]!, facts('1991')[0]!)).toBe(true);
  });

  it('groups of three digits are thousands; one or two digits after the mark are decimals', () => {
    expect(facts('300,000 km/s').map((f) => f.value)).toEqual(['300000']);
    expect(facts('300,000,000 m/s').map((f) => f.value)).toEqual(['300000000']);
    expect(facts('1.500 Einwohner, 3,3 Millionen, 52.50 euros').map((f) => f.value)).toEqual(['1500', '3.3', '52.50']);
  });
});

describe('emoji, tags and openers that only look like signals', () => {
  it('"/s" is a sarcasm tag only as its own last token, not in "km/s"', () => {
    const light = 'About 300,000,000 km/s.';
    expect(classify('speed of light in km/s', light, '300,000 km/s no? that is m/s you gave').label).not.toBe('negative_other');
    expect(classify('explain recursion', 'To understand recursion, understand recursion.', 'great answer /s').label).toBe('negative_other');
  });

  it('"🤔" alone, or before a short pointer, re-asks; before a full new question it is thinking', () => {
    const lethologica = 'That is lethologica: the inability to recall the word you want.';
    expect(classify("what's the word for when you can't remember a word", lethologica, '🤔 is there a word for forgetting names specifically').label).toBe('neutral');
    expect(classify('how many moons does mars have', 'Mars is the fourth planet from the sun.', '🤔').label).toBe('requery');
    const keyboards = 'On iPhone: Settings → General → Keyboard, then switch off Auto-Correction.';
    expect(classify('turn off autocorrect on my iphone and android', keyboards, '🤔 and the android?').label).toBe('requery');
  });

  it('an approval opener running on into a number states a fact ("eso es la comunidad … 3,3 millones")', () => {
    const madrid = 'Madrid tiene alrededor de 6,6 millones de habitantes en la ciudad.';
    const v = classify('¿Cuántos habitantes tiene Madrid?', madrid, 'eso es la comunidad, la ciudad tiene unos 3,3 millones');
    expect(v.label).toBe('correction');
    expect(v.evidence.join(' ')).not.toContain('[object');
    expect(classify('¿Cuántos habitantes tiene Madrid?', madrid, 'eso es, gracias').label).toBe('positive');
  });

  it('praise of what the user wishes for is not praise ("something Welsh would be nice")', () => {
    const names = 'Some ideas: Crumb & Co., Rise, The Daily Loaf, Golden Crust.';
    expect(classify('I need a name for my bakery', names, "it's in a small village in Wales, something Welsh would be nice").label).not.toBe('positive');
    expect(classify('I need a name for my bakery', names, 'Rise is nice, thanks').label).toBe('positive');
  });

  it('sarcasm idioms without a praise word ("you really outdid yourself") complain, even before a critique', () => {
    const summary = 'The committee, which met on Tuesday, had a long debate about the budget, and after that long debate they agreed to cut spending.';
    expect(classify('summarise this in one sentence', summary, 'you really outdid yourself. longer than the original')).toMatchObject({ label: 'negative_other', reward: -1 });
    expect(classify('name three primary colours', 'Red, green and purple.', 'slow clap')).toMatchObject({ label: 'negative_other', reward: -1 });
  });

  it('grimace and blank faces complain; "doch" contradicts; "you could have just …" reproaches', () => {
    expect(classify('Schreib eine Geburtstagskarte für meinen Chef', 'Lieber Chef, du bist der Sonnenschein unseres Lebens! 💖🌈', 'Das kann ich so nie abgeben 😬').reward).toBe(-1);
    expect(classify('Ist Fronleichnam in Bayern ein Feiertag?', 'Fronleichnam ist in Bayern kein gesetzlicher Feiertag.', 'Doch, in Bayern ist Fronleichnam ein Feiertag.').label).toBe('correction');
    expect(classify('how do vaccines work', 'Vaccines are important. Ask a doctor.', "you could've just said you don't know").label).toBe('negative_other');
  });
});

describe('re-asks: "and …" pointing back at what the reply left out', () => {
  const queries = "SELECT pid, query FROM pg_stat_activity WHERE state <> 'idle';";

  it('a short "and …" naming only missed request words re-asks', () => {
    const v = classify('postgres: how to see running queries and kill one', queries, 'and killing one');
    expect(v).toMatchObject({ label: 'requery', reward: -1 });
    expect(classify('Ich brauche ein Rezept für Käsespätzle und eine Idee für einen Salat dazu', 'Käsespätzle: 400 g Mehl, 4 Eier, Bergkäse, Zwiebeln.', 'und der Salat?').label).toBe('requery');
  });

  it('an "and …" that brings something new moves on', () => {
    expect(classify('postgres: how to see running queries and kill one', queries, 'and how do I log slow ones').label).toBe('neutral');
    expect(classify('compare the iPhone 15 and Pixel 8 on camera and price', 'Camera: the Pixel is better at night, the iPhone at video. Price: similar.', 'and battery life?').label).toBe('neutral');
  });
});

describe('a bare fact about the user corrects what the reply assumed', () => {
  it('"we\'re fully remote", "we\'ve seen all of those" after a reply that asked nothing', () => {
    const move = 'Hi all! We move to the new office on Monday; please pack your desks by Friday.';
    const v = classify('write a message to my team about the office move', move, "we're fully remote, the move is just the registered address");
    expect(v).toMatchObject({ label: 'correction', reward: -1 });
    expect(v.hint).toContain('fully remote');
    expect(classify('films for tonight', 'Try Amélie, Intouchables or Portrait of a Lady on Fire.', "we've seen all of those").label).toBe('correction');
  });

  it('the same statement answering the reply\'s question is an answer', () => {
    const asks = 'Happy to help! Where is your team based, and do you have an office?';
    expect(classify('write a message to my team about the office move', asks, "we're fully remote").label).toBe('neutral');
  });

  it('a reply that proposes ("How about Luna, Milo, or Oliver?") or is itself a question did not ask the user', () => {
    expect(classify('What should I name my cat?', 'How about Luna, Milo, or Oliver?', "she's a black cat with one eye").label).toBe('correction');
    expect(classify("Translate 'where is the train station' into Italian.", '¿Dónde está la estación de tren?', "that's Spanish").label).toBe('correction');
  });

  it('mood and plans are not facts against the reply', () => {
    const plan = 'Day 1: Colosseum and Forum. Day 2: Vatican. Day 3: Pantheon and Trevi.';
    expect(classify('plan me 3 days in Rome', plan, "I'm so excited").label).not.toBe('correction');
    expect(classify('plan me 3 days in Rome', plan, "I'm going in May").label).not.toBe('correction');
  });

  it('a closing bracket after the reply\'s question still makes it a question', () => {
    const paint = 'Do you have a colour in mind, and is the current wall colour dark? (Dark walls usually need a primer first.)';
    expect(classify('I want to repaint my bedroom', paint, "no, it's white now. thinking sage green").label).toBe('neutral');
  });
});

describe('Italian, Portuguese and Dutch are read, not guessed as English or Spanish', () => {
  it.each([
    ['qual è la capitale della Sicilia', 'La capitale della Sicilia è Catania.', 'ma no, è Palermo', 'correction', 'it'],
    ['quanto cuocere gli spaghetti', 'Di solito 8–9 minuti in acqua bollente salata.', 'perfetti, grazie mille!', 'positive', 'it'],
    ['qual é a capital do Brasil', 'A capital do Brasil é o Rio de Janeiro.', 'não, é Brasília', 'correction', 'pt'],
    ['como tirar mancha de café', 'Água fria por trás da mancha e detergente neutro.', 'deu certo!! valeu demais', 'positive', 'pt'],
    ['wat is de hoofdstad van Nederland', 'De hoofdstad van Nederland is Den Haag.', 'nee, dat is Amsterdam. in Den Haag zit de regering', 'correction', 'nl'],
    ['vat dit artikel samen', 'Het artikel is interessant en bevat informatie.', 'serieus? hier heb ik niks aan', 'negative_other', 'nl'],
  ])('%s … %s → %s', (request, assistant, next, label, language) => {
    const v = classify(request, assistant, next);
    expect(v.label).toBe(label);
    expect(v.evidence[0]).toBe(`language:${language}`);
  });

  it('English with "we", "was" or "op" stays English', () => {
    expect(classify('plan a trip', 'Day 1: museums.', 'we was there last year, op shops are better').evidence[0]).toBe('language:en');
  });
});
