import { pick, seededRandom } from '../support/seeded-random';
import type { StyleVerdict } from './reply-style';
import type { ReplyStyle, TinyWorld } from './tiny-world';

export type ReactionKind = 'thanks' | 'correction' | 'reask';

export interface UserRequest {
  topic: number;
  text: string;
}

export interface Reaction {
  kind: ReactionKind;
  text: string;
}

/**
 * How the simulated user talks, in plain words a person would type. Phrasings are not chosen for the
 * detector: the eval reports every reaction the detector read differently from what the user meant.
 */
export const USER_PHRASINGS = {
  thanks: ['thanks, perfect!', 'great, thanks a lot', 'perfect, thank you', 'love it, thanks', 'cheers, that helps', 'nice, thanks!'],
  corrections: {
    casual: [
      'no, more casual please',
      'too formal, can you say it more casually?',
      'can you make it more casual?',
      'way too formal for me, keep it casual',
      'less formal please',
      'that is too stiff, make it casual',
      'no, talk to me like a friend, more casual',
      'hmm, that sounds stiff. more relaxed please',
      'please be more casual',
    ],
    formal: [
      'no, more formal please',
      'too casual, can you say it more formally?',
      'can you make it more formal?',
      'way too casual for me, keep it formal',
      'less casual please',
      'that is too sloppy, make it formal',
      'no, talk to me like a professional, more formal',
      'hmm, that sounds sloppy. more polite please',
      'please be more formal',
    ],
  },
} as const;

/**
 * A user with a stated preference: asks one of the world's requests, thanks a reply in the liked style,
 * and otherwise says what should change (a correction) or, now and then, simply asks again.
 */
export class SimulatedUser {
  private readonly random: () => number;

  constructor(
    private readonly world: TinyWorld,
    readonly prefers: ReplyStyle,
    seed: number,
    /** Share of disliked replies answered by asking again instead of correcting. */
    private readonly reaskRate = 0.15,
  ) {
    this.random = seededRandom(seed);
  }

  nextRequest(): UserRequest {
    const topic = Math.floor(this.random() * this.world.topics.length);
    return { topic, text: pick(this.random, this.world.topics[topic]!.requests) };
  }

  likes(style: StyleVerdict): boolean {
    return style === this.prefers;
  }

  react(style: StyleVerdict, request: UserRequest): Reaction {
    if (this.likes(style)) return { kind: 'thanks', text: pick(this.random, USER_PHRASINGS.thanks) };
    if (this.random() < this.reaskRate) {
      const requests = this.world.topics[request.topic]!.requests;
      const other = requests.find((r) => r !== request.text) ?? request.text;
      return { kind: 'reask', text: pick(this.random, [request.text, `so ${request.text}`, other]) };
    }
    return { kind: 'correction', text: pick(this.random, USER_PHRASINGS.corrections[this.prefers]) };
  }
}
