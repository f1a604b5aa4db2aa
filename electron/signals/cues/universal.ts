import type { CueSet } from './cue-set';
import { EN } from './en';

/**
 * Cues that hold whatever the language: emoji, and the thanks words people use across languages.
 * It has no stopwords, so it never decides the language on its own; hints fall back to English.
 */
export const UNIVERSAL: CueSet = {
  language: 'und',
  stopwords: [],
  positive: [
    '👍', '👍🏻', '👍🏼', '👍🏽', '👍🏾', '👍🏿', '🙏', '🎉',
    '❤️', '❤', '🙌', '👌', '💯', '✅', '🥳', '😍',
    '🤩', '👏', '💖', 'merci', 'merci beaucoup', 'grazie', 'grazie mille', 'obrigado',
    'obrigada', 'danke', 'dankeschön', 'gracias', 'dank je', 'dank u', 'bedankt', 'tack',
    'takk', 'tak', 'kiitos', 'dziękuję', 'dzięki', 'děkuji', 'köszönöm', 'teşekkürler',
    'teşekkür ederim', 'спасибо', 'дякую', 'благодаря', 'ευχαριστώ', 'شكرا', 'شكراً', 'תודה',
    'धन्यवाद', 'शुक्रिया', 'ধন্যবাদ', 'நன்றி', 'ขอบคุณ', 'cảm ơn', 'terima kasih', 'salamat',
    'asante', '谢谢', '謝謝', '多谢', '感谢', 'ありがとう', 'ありがとうございます', '감사합니다',
    '고마워', 'parfait', 'perfetto', 'perfeito', 'perfekt',
  ],
  negative: [
    '👎', '👎🏻', '👎🏼', '👎🏽', '👎🏾', '👎🏿', '😡', '😠',
    '🤬', '💩', '🤦', '🤦‍♂️', '🤦‍♀️',
  ],
  sarcasm: ['🙄'],
  correction: [],
  questionOpeners: [],
  requery: [],
  contrast: [],
  followUp: [],
  acknowledgement: ['👀', '🤷', '🤷‍♂️', '🤷‍♀️'],
  benign: [],
  leadIns: [],
  politeness: [],
  directives: [],
  styleFixes: {},
  templates: EN.templates,
};
