/** What a reader is told when part of a reply is shown as plain text instead of formatted. */
export const FALLBACK_NOTES = {
  'too-long': 'Shown as plain text: this part is too long to format.',
  'too-deep': 'Shown as plain text: this part is nested too deeply to format.',
  'render-error': 'Shown as plain text: this message could not be formatted.',
} as const;

export type FallbackReason = keyof typeof FALLBACK_NOTES;
