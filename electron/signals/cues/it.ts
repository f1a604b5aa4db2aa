import type { CueSet } from './cue-set';

/** Italian: a small set of chat cues for picking the language and the plain signals; structure does the rest. */
export const IT: CueSet = {
  language: 'it',
  stopwords: [
    'il', 'lo', 'gli', 'di', 'del', 'della', 'dei', 'delle', 'che', 'è', 'non', 'per', 'una', 'uno', 'sono', 'mi', 'ti',
    'ci', 'ma', 'anche', 'questo', 'questa', 'quello', 'ho', 'hai', 'ha', 'abbiamo', 'nel', 'nella', 'alla', 'al', 'dal',
    'della', 'cosa', 'perché', 'quando', 'dove', 'quanto', 'quanti', 'quale', 'sei', 'io', 'tu', 'lui', 'lei', 'noi',
    'voi', 'loro', 'mio', 'mia', 'tuo', 'tua', 'molto', 'più', 'già', 'ancora', 'sì', 'con', 'si', 'ed', 'era',
  ],
  positive: [
    'grazie', 'grazie mille', 'perfetto', 'perfetta', 'ottimo', 'fantastico',
    'ha funzionato', 'funziona ora', 'molto utile', 'esatto',
  ],
  negative: [
    'inutile', 'non funziona', 'non serve a niente', 'non mi aiuta', 'sbagliato', 'non ha senso',
    'perdita di tempo', 'ancora non funziona', 'stesso errore',
  ],
  sarcasm: [
    'grazie per niente',
  ],
  correction: ['intendevo', 'volevo dire', 'ho detto', 'ti ho detto', 'in realtà', 'invece di', 'dovrebbe essere', 'hai dimenticato', 'sono allergico', 'sono allergica', 'sono vegetariano', 'sono vegetariana', 'sono vegano', 'sono vegana'],
  hypotheticals: ['sarebbe', 'sarebbe anche'],
  firstPerson: ['io', 'sono', 'ho', 'noi', 'siamo', 'abbiamo', 'mio', 'mia', 'miei', 'mie', 'nostro', 'nostra'],
  questionOpeners: ['come', 'perché', 'quando', 'dove', 'quale', 'quali', 'quanto', 'quanti', 'quanta', 'cosa', 'che cosa', 'posso', 'si può', 'è possibile', 'e'],
  confusion: ['cosa intendi', 'di cosa parli', 'non ti capisco', 'non capisco', 'cosa'],
  requery: [
    'ti ho chiesto', 'la mia domanda era', 'non hai risposto', 'non è quello che ho chiesto', 'come ho detto',
  ],
  contrast: ['ma', 'però', 'tuttavia', 'anche se', 'solo che'],
  followUp: ['e se', 'e per', 'e come', 'anche', 'inoltre', 'altra domanda', 'a proposito', 'adesso', 'ora', 'poi'],
  acknowledgement: ['ok', 'va bene', 'vabbè', 'ah', 'sì', 'si', 'no', 'capito', 'certo', 'd\'accordo'],
  benign: ['non preoccuparti', 'di niente', 'figurati', 'nessun problema', 'non lo so', 'non so', 'non male'],
  leadIns: ['intendevo', 'volevo dire', 'è', 'sono', 'dovrebbe essere'],
  politeness: ['per favore', 'per piacere', 'puoi', 'potresti', 'e', 'ma', 'allora'],
  directives: [],
  styleFixes: {},
  templates: {
    followInstruction: '{clause}',
    tooGeneric: 'La risposta precedente era troppo {style}; correggilo.',
    thumbReason: 'L\'utente ha valutato la risposta precedente così: "{reason}". Tienine conto.',
    inlineMark: 'Dove la risposta diceva "{quote}", avrebbe dovuto dire "{correction}".',
    inlineMarkInstruction: 'Su "{quote}" nella risposta: {instruction}',
    inlineMarkNoQuote: 'La risposta avrebbe dovuto dire "{correction}".',
    editReplace: 'Scrivi "{after}" invece di "{before}".',
    editRemove: 'Ometti "{before}".',
    editAdd: 'Includi "{after}".',
    editShorter: 'Sii più conciso: l\'utente ha ridotto la risposta a circa il {percent}% della lunghezza.',
    editLonger: 'Dai più dettagli: l\'utente ha ampliato la risposta a circa il {percent}% della lunghezza.',
    editRewrite: 'L\'utente ha riscritto la risposta; avrebbe dovuto essere così: "{after}".',
  },
};
