import { describe, expect, it } from 'vitest';
import { classifyFollowUp } from '../../electron/signals';
import { interactionsToReach, rollingRate } from './learning-curve';
import { learningCurveSvg } from './learning-curve-svg';
import { classifyReplyStyle } from './reply-style';
import { formatInteractions } from './run-learning-eval';
import { SimulatedUser, USER_PHRASINGS } from './simulated-user';
import { loadTinyWorld } from './tiny-world';

const world = loadTinyWorld();

describe('the learning eval’s measures', () => {
  it('averages over a trailing window and finds the first full window at the target', () => {
    const rates = [0, 1, 1, 1, 0.5, 1, 1];
    expect(rollingRate(rates, 3)).toEqual([0, 0.5, 2 / 3, 1, 2.5 / 3, 2.5 / 3, 2.5 / 3]);
    expect(interactionsToReach(rates, 3, 0.9)).toBe(4);
    expect(interactionsToReach([1, 1], 3, 0.9)).toBeNull(); // no full window yet
    expect(interactionsToReach([0.9, 0.9, 0.9], 3, 0.9)).toBe(3);
    expect(formatInteractions(null, 120)).toBe('>120');
  });

  it('reads a reply’s style from the marker phrases of world.json', () => {
    const topic = world.topics[0]!;
    const reply = (style: 'formal' | 'casual') => `${world.styles[style].openers[0]} ${topic[style]} ${world.styles[style].closers[0]}`;
    expect(classifyReplyStyle(reply('casual'), world)).toBe('casual');
    expect(classifyReplyStyle(reply('formal'), world)).toBe('formal');
    expect(classifyReplyStyle(`${world.styles.casual.openers[0]} ${topic.formal} ${world.styles.formal.closers[0]}`, world)).toBe('mixed');
    expect(classifyReplyStyle('boiling water for nine minutes', world)).toBe('none');
  });

  it('has a simulated user who thanks the liked style, corrects the other, and repeats itself under one seed', () => {
    const a = new SimulatedUser(world, 'casual', 5);
    const b = new SimulatedUser(world, 'casual', 5);
    const run = (user: SimulatedUser) =>
      Array.from({ length: 40 }, (_, i) => {
        const request = user.nextRequest();
        return user.react(i % 3 === 0 ? 'casual' : i % 3 === 1 ? 'formal' : 'mixed', request);
      });
    const reactions = run(a);
    expect(run(b)).toEqual(reactions);
    expect(reactions.filter((_, i) => i % 3 === 0).every((r) => r.kind === 'thanks')).toBe(true);
    const disliked = reactions.filter((_, i) => i % 3 !== 0);
    expect(disliked.every((r) => r.kind === 'correction' || r.kind === 'reask')).toBe(true);
    expect(disliked.some((r) => r.kind === 'reask')).toBe(true);
  });

  it('speaks in phrasings the detector mostly reads as meant (the misses are reported, not special-cased)', () => {
    const context = [
      { role: 'system' as const, content: world.systemPrompt },
      { role: 'user' as const, content: world.topics[0]!.requests[0]! },
    ];
    const formalReply = `${world.styles.formal.openers[0]} ${world.topics[0]!.formal} ${world.styles.formal.closers[0]}`;
    const read = (nextUser: string) => classifyFollowUp({ context, assistant: formalReply, nextUser });
    expect(USER_PHRASINGS.thanks.every((t) => read(t).reward === 1)).toBe(true);
    const corrections = USER_PHRASINGS.corrections.casual.map(read);
    expect(corrections.filter((v) => v.reward === -1 && v.hint !== null).length).toBeGreaterThanOrEqual(corrections.length / 2);
  });

  it('draws the curves as an SVG picture', () => {
    const svg = learningCurveSvg({
      title: 'a <title> & more',
      subtitle: 's',
      lines: [{ label: 'combined', color: '#123456', rates: [0.5, 0.6, 0.7, 0.9] }],
      target: 0.9,
      start: 0.5,
      interactions: 4,
      window: 2,
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('a &lt;title&gt; &amp; more');
    expect(svg.match(/<polyline[^>]*points="([^"]*)"/)![1]!.split(' ')).toHaveLength(3); // from the first full window
  });
});
