import type { Reward } from '../../../shared/domain';

/**
 * The ten-keyword rule every eval report is compared against: the obvious thing anyone would write first.
 * A −1 keyword anywhere wins over a +1 keyword ("thanks, but no"); otherwise 0.
 */
export const TEN_KEYWORDS = {
  positive: ['thanks', 'thank', 'great', 'perfect', 'awesome'],
  negative: ['no', 'wrong', 'not', "didn't", 'again'],
} as const;

const NEGATIVE = new RegExp(`(?<![\\p{L}'])(?:${TEN_KEYWORDS.negative.join('|')})(?![\\p{L}'])`, 'iu');
const POSITIVE = new RegExp(`(?<![\\p{L}'])(?:${TEN_KEYWORDS.positive.join('|')})(?![\\p{L}'])`, 'iu');

export function tenKeywordReward(nextUser: string): Reward {
  const text = nextUser.replace(/[’‘]/g, "'");
  if (NEGATIVE.test(text)) return -1;
  if (POSITIVE.test(text)) return 1;
  return 0;
}
