import { describe, expect, it } from 'vitest';
import { classifyFollowUp } from '../../../electron/signals';
import type { Turn } from '../../../electron/signals/types';

/**
 * Regression: ordinary next requests carry no verdict on the reply. Written for issue 7 from its examples
 * (a developer chat whose follow-ups the detector used to reward −1): "add X", "now do Y", "explain Z", a
 * format ask, the next part of a pasted document, a new task after a thank-you. A wrong reward is worse than none.
 */
const REQUEST = 'Write a Python script that lists the authors in authors.csv with their affiliations.';
const REPLY = 'Here is a script:\n```python\nimport csv\nfor row in csv.DictReader(open("authors.csv")):\n    print(row["name"], row["affiliation"])\n```';

const ORDINARY = [
  'Please add a field for their most notable publication',
  'explain the tagging process',
  'Could I have this result in json please?',
  'now do the same for the editors',
  'add a column for the h-index',
  'Thanks! Now write the unit tests.',
  'thank you. next, can you summarise chapter 2?',
  'great, now translate it to German',
  'What about the edge case where the file is empty?',
  'Can you also add error handling?',
  'make it a bit shorter',
  "I'm using Python 3.11",
  'write a unit test for it',
  'what does the second argument do?',
  'Change the delimiter to a semicolon',
  'Use pandas instead',
  'Actually, can you sort them by name too?',
  "Let's also handle the case where the affiliation is missing.",
  'Now rewrite it as a function that takes the path',
  'How do I run this on Windows?',
  'I need it to also print the year',
  'Without using the csv module please',
  "don't print the header row",
  'perfect, can you add docstrings?',
  'ok',
  "Too many abstract subjects I wasn't interested in.",
];

describe('ordinary follow-ups are neutral', () => {
  it.each(ORDINARY)('%s', (nextUser) => {
    const v = classifyFollowUp({ context: [{ role: 'user', content: REQUEST }], assistant: REPLY, nextUser });
    expect(v.reward).toBe(0);
    expect(v.label).toBe('neutral');
  });

  it('the next part of a pasted document after "just acknowledge" is no re-ask', () => {
    const context: Turn[] = [{ role: 'user', content: 'Part 1/3 of my thesis follows. Just acknowledge, do not answer yet: "Chapter 1. We study author networks…"' }];
    const nextUser = 'Part 2/3 of my thesis follows. Just acknowledge, do not answer yet: "Chapter 2. The data comes from DBLP…"';
    expect(classifyFollowUp({ context, assistant: 'Acknowledged.', nextUser }).reward).toBe(0);
  });
});
