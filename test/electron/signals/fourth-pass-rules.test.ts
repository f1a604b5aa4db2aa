import { describe, expect, it } from 'vitest';
import { classifyFollowUp } from '../../../electron/signals';
import { quotedSpans } from '../../../electron/signals/analyse-message';
import type { FollowUpInput } from '../../../electron/signals/types';

function turn(request: string, assistant: string, nextUser: string): FollowUpInput {
  return { context: [{ role: 'user', content: request }], assistant, nextUser };
}
const classify = (request: string, assistant: string, nextUser: string) => classifyFollowUp(turn(request, assistant, nextUser));

describe('quoted words are mentioned, not said', () => {
  it('finds quote spans but not apostrophes', () => {
    expect(quotedSpans("and 'I am boring' vs 'I am bored'")).toEqual([[4, 17], [21, 33]]);
    expect(quotedSpans("don't you think it's the kids' toy")).toEqual([]);
  });

  it('a cue inside quotes neither praises nor complains', () => {
    const agree = 'Not quite – in English *agree* is a verb, so you say **"I agree with you."**';
    expect(classify("is it correct to say 'I am agree with you'?", agree, "and 'I am boring' vs 'I am bored'").label).toBe('neutral');
    expect(classify('how do I say nice to meet you in korean', '반갑습니다 (bangapseumnida).', "how about 'thank you for the food'").label).toBe('neutral');
    // The same words unquoted still count.
    expect(classify('write a haiku', 'Monday morning comes', 'boring').label).toBe('negative_other');
  });
});

describe('a question without "?" in the middle of a phone-typed sentence', () => {
  const stain = 'Blot (don\'t rub), pour cold water, blot again. Then a paste of baking soda and water, let it dry, vacuum.';
  it('"it\'s X does that …" asks; "it\'s X" alone still corrects', () => {
    expect(classify('red wine on my rug', stain, 'its a wool rug does that change anything').label).toBe('neutral');
    expect(classify("what's the capital of australia", 'The capital of Australia is Sydney.', "it's Canberra").label).toBe('correction');
  });
  it('a relative clause ("the one that does it") asks nothing', () => {
    const v = classify('which cable do I need', 'You need a USB-A to USB-C cable.', 'its the usb c one that does it for my phone');
    expect(v.label).toBe('correction');
  });
  it('"where\'s …" and "anything …" open a question clause', () => {
    const battery = 'Many laptops have a setting to stop charging at 80%.';
    expect(classify('should I unplug my laptop at 100%', battery, "It's a lenovo thinkpad, where's that setting").label).toBe('neutral');
    const gifts = 'A few ideas under €50: a pocket knife, a book, tickets to a match, about 15 minutes of your time.';
    expect(classify('gift for my dad', gifts, "it's his 60th and he's really into fishing. anything along those lines").label).toBe('neutral');
  });
});

describe('deadpan sarcasm needs no praise word', () => {
  const typo = "Here's the corrected version: 'Teh meeting is at 3pm.'";
  it('"wow." or "wow," before a flat verdict is sarcasm', () => {
    expect(classify('fix the typos', typo, 'wow. amazing work there').label).toBe('negative_other');
    expect(classify('name my podcast', 'How about **The Podcast**?', 'wow, so creative').label).toBe('negative_other');
    expect(classify('tell me about my city', 'It has buildings and people.', 'wow, riveting').label).toBe('negative_other');
  });
  it('"!", thanks or a warm emoji keep it sincere, and plain surprise is no verdict', () => {
    expect(classify('fix the typos', typo, 'wow, amazing!').label).toBe('positive');
    expect(classify('fix the typos', typo, 'wow, amazing, thank you').label).toBe('positive');
    expect(classify('how far is the moon', 'About 384,400 km on average.', "wow, I didn't know it was that far").label).not.toBe('negative_other');
  });
});

describe('complaint words that describe the user\'s world', () => {
  it('"boring stuff at my job" answering the reply\'s question judges nothing', () => {
    const asked = 'Some things help: break tasks into 15-minute chunks. What kind of work do you do?';
    expect(classify('how do I get motivated at work', asked, 'boring stuff at my job mostly, data entry and checking invoices all day').label).toBe('neutral');
  });
  it('the same words still complain when predicated, or when the reply asked nothing', () => {
    const asked = 'Here is a plan. What do you think?';
    expect(classify('plan my week', asked, "that's boring stuff, give me something fun").label).not.toBe('neutral');
    expect(classify('write a haiku about Monday', 'Monday morning comes\nCoffee in my favorite mug', 'boring stuff').label).toBe('negative_other');
  });
});

describe('taking up a choice, and success reports without thanks', () => {
  it('"<choice> it is" approves; "what it is" does not', () => {
    expect(classify('name for my cat', 'How about Luna, Milo, or Oliver?', 'Milo it is!').label).toBe('positive');
    expect(classify('rest or graphql', 'For a small CRUD app, REST is simpler.', 'Fair enough, REST it is.').label).toBe('positive');
    expect(classify('what is a 401k match', 'Your employer adds money to your 401(k).', 'I know what it is').label).not.toBe('positive');
  });
  it('"works", "feels better", "good to know" report success', () => {
    expect(classify('sql second highest salary', 'SELECT MAX(salary) FROM employees WHERE salary < (SELECT MAX(salary) FROM employees);', 'works').label).toBe('positive');
    expect(classify('stretch for lower back', 'Try knees-to-chest, hold 30 s, 3 times.', 'did the knees to chest thing and it already feels better lol').label).toBe('positive');
  });
  it('a one-word tail turns praise into sarcasm only as its own sentence', () => {
    expect(classify('write a bio', 'Jane is a passionate synergist.', 'super helpful. really.').label).toBe('negative_other');
  });
});

describe('praise, then a style ask for a new item of the same kind', () => {
  const email = 'Hi all, we are excited to announce our new app, now on iOS and Android.';
  it('shapes the new item: positive', () => {
    expect(classify('announcement email for our app', email, 'perfect, now one for my twitter, shorter').label).toBe('positive');
    expect(classify('mensaje de cumpleaños para mi jefa', '¡Feliz cumpleaños, Laura!', 'Está perfecto, gracias. ¿Me puedes hacer otro más informal para mi compañero Pablo?').label).toBe('positive');
  });
  it('a style ask on the reply itself still corrects (README: says what the reply should have been)', () => {
    expect(classify('announcement email for our app', email, 'can you make it a bit warmer').label).toBe('correction');
    expect(classify('announcement email for our app', email, 'perfect but shorter').label).toBe('correction');
  });
  it('a "but" inside the new request after "now …" is no contrast with the praise', () => {
    const v = classify('count paid or partial', '=SUM(COUNTIF(D:D,{"paid","partial"}))', 'Perfect, the second one is exactly what I was after. Now my boss wants the same thing but split by month, is that doable?');
    expect(v.label).toBe('positive');
  });
  it('"not X at all, …" is emphasis, not "not X but Y"', () => {
    expect(classify('linkedin line for my promotion, not cringe', "Happy to share that I've stepped into the Team Lead role.", 'not cringe at all, love it').label).toBe('positive');
  });
});

describe('re-asks the words did not show', () => {
  it('an error pasted again from an earlier turn re-asks', () => {
    const context = [
      { role: 'user' as const, content: "my node app crashes on start with TypeError: Cannot read properties of undefined (reading 'port')" },
      { role: 'assistant' as const, content: 'Import the config first.' },
      { role: 'user' as const, content: 'I added the import' },
    ];
    const again = "still getting:\n\nTypeError: Cannot read properties of undefined (reading 'port')\n    at Object.<anonymous> (/app/src/server.js:12:24)";
    const v = classifyFollowUp({ context, assistant: 'Great! Now restart the app.', nextUser: again });
    expect(v.label).toBe('requery');
    // A new error is progress, not a re-ask.
    const other = 'ok that one is gone, now: ImportError: Missing optional dependency openpyxl.';
    expect(classifyFollowUp({ context, assistant: 'Great! Now restart the app.', nextUser: other }).label).not.toBe('requery');
  });
  it('"you skipped X" where X was in the request re-asks; about something new it corrects', () => {
    const letter = 'Subject: Follow-up on the leak repair. Hi Ms. Chen, could you let me know when it will be fixed?';
    const request = 'Write a follow-up email about the leak, and tell me if I can withhold rent in California';
    expect(classify(request, letter, 'good email but you skipped the rent part. can I withhold it or not').label).toBe('requery');
    expect(classify(request, letter, 'you forgot my apartment number, 4B').label).toBe('correction');
  });
  it('"I know what/why …" dismisses the explanation and asks again', () => {
    expect(classify('how do i stop excel turning 1-2 into a date', 'Excel formats some entries as dates to make entry easier.', 'I know WHY, how do I stop it').label).toBe('requery');
  });
});

describe('the user\'s own step, a constraint, a wry aside', () => {
  it('an imperative in a question about the user\'s own step is no instruction', () => {
    const dupes = 'Select the column, then Home → Conditional Formatting → Duplicate Values.';
    expect(classify('find duplicate emails in a column', dupes, 'can I then remove them but keep one of each').label).toBe('neutral');
    expect(classify('find duplicate emails in a column', dupes, 'can you remove them but keep one of each').label).toBe('correction');
  });
  it('"we don\'t eat beef" states a constraint the reply broke', () => {
    const v = classify('shopping list for lasagna', '- 500 g minced beef\n- 1 onion', "we don't eat beef, we're hindu. can you swap it");
    expect(v.label).toBe('correction');
    expect(v.hint).toContain('beef');
  });
  it('"🙃" before a new question is an aside; alone it is sarcasm', () => {
    const steps = 'Health benefits level off around 7,000–10,000 steps.';
    expect(classify('how many steps a day', steps, "i'm at like 3000 because i work from home 🙃 how do i sneak more in").label).toBe('neutral');
    expect(classify('name my wifi', "Ideas: 'MyWiFi', 'HomeNetwork'.", 'creative 🙃').label).toBe('negative_other');
  });
});
