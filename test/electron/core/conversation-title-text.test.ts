import { describe, expect, it } from 'vitest';
import { standInTitle, titleFromAnswer, titleRequestMessages } from '../../../electron/core/conversation-title-text';

describe('conversation title text', () => {
  it('makes a short stand-in from the first message, not the message verbatim', () => {
    expect(standInTitle('  What is the **capital** of France?\nI need it for a quiz.')).toBe('What is the capital of France?');
    const long = 'Could you please explain to me in simple words how photosynthesis works in desert plants';
    const title = standInTitle(long);
    expect(title.length).toBeLessThanOrEqual(48);
    expect(title.endsWith('…')).toBe(true);
    expect(long.startsWith(title.slice(0, -1))).toBe(true);
    expect(title).not.toMatch(/\s…$/);
    expect(standInTitle('\n\n# Heading\nbody')).toBe('Heading');
    expect(standInTitle('   ')).toBe('');
  });

  it('takes a title out of a model answer and refuses answers that are no title', () => {
    expect(titleFromAnswer('Capital of France')).toBe('Capital of France');
    expect(titleFromAnswer('<think>The user asks about France.</think>\n\n"Capital of France."')).toBe('Capital of France');
    expect(titleFromAnswer('Title: **Desert Photosynthesis**')).toBe('Desert Photosynthesis');
    expect(titleFromAnswer('<think>still thinking when the tokens ran out')).toBeNull();
    expect(titleFromAnswer('')).toBeNull();
    expect(titleFromAnswer('This conversation is about a user who wants to know many different things about the capital of France and more')).toBeNull();
  });

  it('asks for the title with both sides of the first exchange', () => {
    const [system, user] = titleRequestMessages('What is 2+2?', 'It is 4.');
    expect(system!.role).toBe('system');
    expect(user!.content).toContain('User: What is 2+2?');
    expect(user!.content).toContain('Assistant: It is 4.');
  });
});
