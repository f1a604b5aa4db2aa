import { describe, expect, it } from 'vitest';
import {
  BOX_PROTOCOL_VERSION,
  ClientFrameSchema,
  ServerFrameSchema,
  SignalSampleSchema,
  type SignalSample,
} from '../../shared/protocol/box-stream';

function sample(overrides: Partial<SignalSample> = {}): SignalSample {
  return {
    sampleId: 's-1',
    personaId: 'p-1',
    conversationId: 'c-1',
    turnId: 'm-2',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Capital of Australia?' },
    ],
    response: 'Sydney.',
    nextState: { role: 'user', content: 'No, I meant the capital city, it is Canberra.' },
    reward: -1,
    rewardSource: 'heuristic',
    signalKind: 'correction',
    confidence: 0.9,
    hint: 'The capital of Australia is Canberra, not Sydney.',
    supersedes: null,
    policyVersion: null,
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe('box stream protocol', () => {
  it('accepts a well-formed sample frame and round-trips it through JSON', () => {
    const frame = { type: 'sample', sample: sample() };
    const parsed = ClientFrameSchema.parse(JSON.parse(JSON.stringify(frame)));
    expect(parsed).toEqual(frame);
  });

  it('rejects rewards outside {-1, 0, 1} and unknown signal kinds', () => {
    expect(SignalSampleSchema.safeParse(sample({ reward: 2 as never })).success).toBe(false);
    expect(SignalSampleSchema.safeParse(sample({ signalKind: 'meh' as never })).success).toBe(false);
  });

  it('rejects a sample without any prompt message and an empty hint', () => {
    expect(SignalSampleSchema.safeParse(sample({ messages: [] })).success).toBe(false);
    expect(SignalSampleSchema.safeParse(sample({ hint: '' })).success).toBe(false);
  });

  it('rejects hello frames with extra keys or a negative replay cursor', () => {
    const hello = { type: 'hello', protocol: BOX_PROTOCOL_VERSION, clientId: 'c', progressAfter: 0 };
    expect(ClientFrameSchema.safeParse(hello).success).toBe(true);
    expect(ClientFrameSchema.safeParse({ ...hello, extra: 1 }).success).toBe(false);
    expect(ClientFrameSchema.safeParse({ ...hello, progressAfter: -1 }).success).toBe(false);
  });

  it('parses every server frame kind and refuses unknown ones', () => {
    const frames = [
      { type: 'welcome', protocol: 1, boxVersion: '0.1.0', policyVersion: null },
      { type: 'ack', sampleId: 's', duplicate: false },
      { type: 'reject', sampleId: 's', error: 'bad' },
      {
        type: 'progress',
        event: {
          seq: 3,
          kind: 'training_step',
          personaId: 'p',
          sampleIds: ['s'],
          step: 1,
          policyVersion: 'v2',
          metrics: { loss: 0.5 },
          message: 'step 1',
          at: 1,
        },
      },
      { type: 'incompatible', supported: [1], message: 'no' },
      { type: 'error', message: 'oops' },
    ];
    for (const f of frames) expect(ServerFrameSchema.safeParse(f).success, f.type).toBe(true);
    expect(ServerFrameSchema.safeParse({ type: 'ack' }).success).toBe(false);
    expect(ServerFrameSchema.safeParse({ type: 'surprise' }).success).toBe(false);
  });
});
