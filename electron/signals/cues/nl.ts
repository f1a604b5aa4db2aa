import type { CueSet } from './cue-set';

/** Dutch: a small set of chat cues; structure does the rest. */
export const NL: CueSet = {
  language: 'nl',
  stopwords: [
    'de', 'het', 'een', 'en', 'van', 'dat', 'niet', 'ik', 'je', 'jij', 'u', 'te', 'met', 'voor', 'zijn', 'maar', 'ook',
    'wat', 'hoe', 'er', 'dit', 'nee', 'wel', 'heb', 'hebt', 'heeft', 'kan', 'kun', 'kunt', 'mijn', 'jouw', 'ons', 'onze',
    'wij', 'we', 'zij', 'ze', 'hij', 'waar', 'wanneer', 'waarom', 'welke', 'hoeveel', 'nog', 'al', 'naar', 'bij', 'uit',
    'om', 'zo', 'dan', 'toch', 'gewoon', 'even', 'was', 'zou', 'moet', 'wil', 'ja', 'geen', 'op', 'aan',
  ],
  positive: [
    'bedankt', 'dankjewel', 'dank je', 'dank je wel', 'dankuwel', 'top',
    'super', 'perfect', 'geweldig', 'het werkt', 'werkt nu', 'gelukt',
    'heel handig', 'precies',
  ],
  negative: [
    'nutteloos', 'werkt niet', 'werkt nog steeds niet', 'klopt niet', 'slaat nergens op', 'onzin',
    'zonde van mijn tijd', 'heb ik niks aan', 'heb ik niets aan', 'zelfde fout',
  ],
  sarcasm: [
    'bedankt voor niks', 'bedankt voor niets',
  ],
  correction: ['ik bedoelde', 'ik bedoel', 'ik zei', 'ik had gezegd', 'eigenlijk', 'in plaats van', 'moet zijn', 'je bent vergeten', 'vergeten', 'ik ben allergisch', 'allergisch', 'ik ben vegetariër', 'vegetarisch', 'veganist'],
  hypotheticals: ['zou', 'zou ook', 'zou wel', 'lijkt me'],
  firstPerson: ['ik', 'wij', 'we', 'mijn', 'ons', 'onze'],
  questionOpeners: ['hoe', 'waarom', 'wanneer', 'waar', 'welke', 'wat', 'hoeveel', 'hoelang', 'kan ik', 'kun je', 'is het', 'mag', 'mogen', 'moet ik', 'en'],
  confusion: ['wat bedoel je', 'waar heb je het over', 'ik snap je niet', 'ik begrijp je niet', 'wat'],
  requery: [
    'ik vroeg', 'mijn vraag was', 'je hebt geen antwoord gegeven', 'geen antwoord op mijn vraag', 'zoals ik zei',
  ],
  contrast: ['maar', 'echter', 'alleen', 'behalve', 'toch'],
  followUp: ['en als', 'en voor', 'en hoe', 'ook', 'verder', 'nog een vraag', 'andere vraag', 'trouwens', 'nu', 'daarna'],
  acknowledgement: ['ok', 'oké', 'oke', 'goed', 'ja', 'nee', 'ah', 'hmm', 'snap ik', 'begrepen', 'prima'],
  benign: ['geen zorgen', 'geen probleem', 'graag gedaan', 'weet ik niet', 'geen idee', 'niet slecht'],
  leadIns: ['ik bedoelde', 'ik bedoel', 'het is', 'dat is', 'moet zijn'],
  politeness: ['alsjeblieft', 'alstublieft', 'aub', 'graag', 'kun je', 'kan je', 'zou je', 'en', 'maar', 'dus'],
  directives: [],
  styleFixes: {},
  templates: {
    followInstruction: '{clause}',
    tooGeneric: 'Het vorige antwoord was te {style}; pas dat aan.',
    thumbReason: 'De gebruiker beoordeelde het vorige antwoord zo: "{reason}". Houd daar rekening mee.',
    inlineMark: 'Waar het antwoord "{quote}" zei, had het "{correction}" moeten zeggen.',
    inlineMarkInstruction: 'Over "{quote}" in het antwoord: {instruction}',
    inlineMarkNoQuote: 'Het antwoord had "{correction}" moeten zeggen.',
    editReplace: 'Schrijf "{after}" in plaats van "{before}".',
    editRemove: 'Laat "{before}" weg.',
    editAdd: 'Neem "{after}" op.',
    editShorter: 'Wees beknopter: de gebruiker kortte het antwoord in tot ongeveer {percent}% van de lengte.',
    editLonger: 'Geef meer details: de gebruiker breidde het antwoord uit tot ongeveer {percent}% van de lengte.',
    editRewrite: 'De gebruiker herschreef het antwoord; zo had het moeten luiden: "{after}".',
  },
};
