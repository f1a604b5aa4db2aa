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
