/** What a reply held by the box during a training step says, counting down from the box's estimate. */
export function learningNoticeText(resumeInMs: number | null, receivedAt: number, now: number): string {
  if (resumeInMs === null) return 'Learning… replies resume shortly';
  const seconds = Math.ceil((receivedAt + resumeInMs - now) / 1000);
  return seconds > 0 ? `Learning… replies resume in ~${seconds} s` : 'Learning… replies resume shortly';
}

/** The last notice the core forwarded for a reply (see the 'chat:waiting' event). */
export interface ReplyWaiting {
  resumeInMs: number | null;
  receivedAt: number;
}
