import type { CueSet } from './cue-set';

const START = "(?:^|[.!?;:,\\n]\\s*|(?<![\\p{L}\\p{N}])(?:et|mais|non|maintenant|alors|s'il te plaît|stp|svp|tu peux|peux-tu)\\s+)";
const WB = '(?<![\\p{L}\\p{N}])';
const REST = '[^.!?\\n]';

/** French: the cues people actually type in chat, kept small; structure does the rest. */
export const FR: CueSet = {
  language: 'fr',
  stopwords: [
    'le', 'la', 'les', 'un', 'une', 'des', 'du', 'de', 'et', 'est', 'sont', 'pas', 'je', 'tu', 'il', 'elle', 'nous',
    'vous', 'ils', 'elles', 'que', 'qui', 'quoi', 'pour', 'dans', 'avec', 'sur', 'mais', 'ou', 'ce', 'cette', 'ces',
    'mon', 'ma', 'mes', 'ton', 'ta', 'tes', 'son', 'sa', 'ses', "c'est", 'ça', 'très', 'plus', 'comment', 'pourquoi',
    'quand', 'où', 'oui', 'non', 'ne', 'au', 'aux', 'en', 'y', "j'ai", 'suis', 'es', 'était', 'fait', 'faire',
    'peux', 'veux', 'aussi', 'alors', 'donc', 'déjà', 'encore', 'tout', 'rien', 'quel', 'quelle', 'combien', 'moi', 'toi',
  ],
  positive: [
    'merci', 'merci beaucoup', 'merci bien', 'parfait', "c'est parfait", 'génial',
    'super', 'nickel', 'impeccable', 'ça marche', 'ça fonctionne', 'ça a marché',
    "ça m'aide", 'très utile', 'bravo', 'formidable',
  ],
  negative: [
    'inutile', 'ça marche pas', 'ça ne marche pas', 'ça ne fonctionne pas', 'ça sert à rien', 'ne sert à rien',
    "n'importe quoi", "c'est faux", 'perte de temps', "ça n'a aucun sens", 'aucun sens', 'toujours pas',
    'même erreur',
  ],
  sarcasm: [
    'merci pour rien',
  ],
  correction: [
    'je voulais dire', 'je veux dire', 'je parlais de', "j'ai dit", 'je t\'ai dit', 'en fait', 'plutôt', 'au lieu de',
    'ça devrait être', 'devrait être', 'tu as oublié', 'faux', 'pas ça', 'mais plutôt',
    'allergique', 'intolérant', 'intolérante', 'végétarien', 'végétarienne', 'végan', 'végane', "j'ai déjà",
  ],
  hypotheticals: ['serait', 'ce serait', 'ça serait', 'si c\'était'],
  firstPerson: ['je', "j'ai", 'jai', 'nous', 'on', 'mon', 'ma', 'mes', 'notre', 'nos'],
  questionOpeners: ['comment', 'pourquoi', 'quand', 'où', 'quel', 'quelle', 'quels', 'quelles', 'combien', 'est-ce que', 'est ce que', 'qu\'est-ce', 'est-ce', 'et'],
  confusion: ['tu veux dire quoi', 'de quoi tu parles', 'je ne te comprends pas', 'je comprends pas', 'quoi'],
  requery: [
    "j'ai demandé", 'ma question était', "tu n'as pas répondu", "t'as pas répondu", 'ça ne répond pas', 'pas ma question',
    'je répète', 'comme je disais', "comme je l'ai dit",
  ],
  contrast: ['mais', 'par contre', 'cependant', 'pourtant', 'sauf que', 'seulement'],
  followUp: ['et si', 'et pour', 'et comment', 'et quoi', 'aussi', 'autre question', "d'ailleurs", 'au fait', 'maintenant', 'ensuite', 'et une', 'et un'],
  acknowledgement: ['ok', "d'accord", 'daccord', 'ah', 'hmm', 'oui', 'non', 'bon', 'entendu', 'ouais', 'ok merci'],
  benign: ['pas de souci', 'pas de problème', 'de rien', 'pas grave', 'je ne sais pas', 'je sais pas', 'pas mal'],
  leadIns: ['je voulais dire', 'je parlais de', "c'est", 'ce sont', 'ça devrait être', 'devrait être'],
  politeness: ["s'il te plaît", "s'il vous plaît", 'stp', 'svp', 'tu peux', 'peux-tu', 'pourrais-tu', 'et', 'mais', 'alors'],
  directives: [
    {
      name: 'pas-x-mais-y',
      requires: ['pas', 'non'],
      pattern: `${WB}(?:pas|non)\\s+(?<wrong>[^,.;!?\\n]{1,50}?),?\\s+mais\\s+(?<right>[^,.;!?\\n]{1,60})`,
      hint: 'Utilise {right}, pas {wrong}.',
    },
    {
      name: 'x-pas-y',
      requires: ['pas '],
      pattern: `(?<right>[^,.;!?\\n]{1,60}),\\s*pas\\s+(?<wrong>[^,.;!?\\n]{1,50})\\s*(?:[.!?]|$)`,
      hint: 'Utilise {right}, pas {wrong}.',
    },
    {
      name: 'voulais-dire',
      verdict: true,
      requires: ['voulais', 'parlais'],
      pattern: `${WB}je\\s+(?:voulais dire|parlais de|parlais d')\\s*(?<what>${REST}{2,200})`,
      hint: "L'utilisateur parlait de {what}; la réponse aurait dû traiter cela.",
    },
    {
      name: 'sans',
      weak: true,
      requires: ['sans', 'pas de'],
      pattern: `${START}(?<clause>(?:sans|pas de)\\s+${REST}{2,160})`,
      hint: '{clause}.',
    },
    {
      name: 'trop-style',
      requires: ['trop', 'plus '],
      pattern: `${WB}(?:trop|plus)\\s+(?<style>long|longue|court|courte|formel|formelle|compliqué|technique|simple|détaillé)(?![\\p{L}])`,
      hint: '{style}',
    },
  ],
  styleFixes: {
    long: 'Sois beaucoup plus concis.',
    longue: 'Sois beaucoup plus concis.',
    court: 'Sois beaucoup plus concis.',
    courte: 'Sois beaucoup plus concis.',
    formel: 'Adopte un ton plus naturel.',
    formelle: 'Adopte un ton plus naturel.',
    compliqué: 'Explique plus simplement, sans jargon.',
    technique: 'Explique plus simplement, sans jargon.',
    simple: 'Explique plus simplement.',
    détaillé: 'Donne une réponse plus complète et détaillée.',
  },
  templates: {
    followInstruction: '{clause}',
    tooGeneric: 'La réponse précédente était trop {style} ; corrige cela.',
    thumbReason: 'L\'utilisateur a noté la réponse précédente ainsi : "{reason}". Tiens-en compte.',
    inlineMark: 'Là où la réponse disait "{quote}", elle aurait dû dire "{correction}".',
    inlineMarkInstruction: 'À propos de "{quote}" dans la réponse : {instruction}',
    inlineMarkNoQuote: 'La réponse aurait dû dire "{correction}".',
    editReplace: 'Écris "{after}" au lieu de "{before}".',
    editRemove: 'Supprime "{before}".',
    editAdd: 'Ajoute "{after}".',
    editShorter: "Sois plus concis : l'utilisateur a réduit la réponse à environ {percent}% de sa longueur.",
    editLonger: "Donne plus de détails : l'utilisateur a étendu la réponse à environ {percent}% de sa longueur.",
    editRewrite: 'L\'utilisateur a réécrit la réponse ; elle aurait dû être : "{after}".',
  },
};
