import type { CueSet } from './cue-set';

const START = '(?:^|[.!?;:,\\n¿¡]\\s*|(?<![\\p{L}\\p{N}])(?:y|pero|no|ahora|entonces|por favor|puedes|podrías)\\s+)';
const WB = '(?<![\\p{L}\\p{N}])';
const REST = '[^.!?\\n]';

/** Spanish: the cues people actually type in chat, kept small; structure does the rest. */
export const ES: CueSet = {
  language: 'es',
  stopwords: [
    'el', 'la', 'los', 'las', 'un', 'una', 'unos', 'unas', 'que', 'qué', 'de', 'del', 'al', 'y', 'en', 'es', 'son',
    'por', 'para', 'con', 'pero', 'lo', 'mi', 'mis', 'tu', 'tus', 'su', 'como', 'cómo', 'más', 'muy', 'está', 'están',
    'esto', 'eso', 'este', 'esta', 'se', 'le', 'les', 'yo', 'sí', 'también', 'cuando', 'cuándo', 'dónde', 'hay',
    'tengo', 'puedo', 'puedes', 'sin', 'porque', 'ya', 'pues', 'nada', 'algo', 'todo', 'sobre', 'cuál', 'cuánto',
    'cuántos', 'hacer', 'quiero', 'necesito', 'era', 'fue', 'eres', 'soy', 'estoy', 'ni', 'o',
  ],
  positive: [
    'gracias', 'muchas gracias', 'mil gracias', 'genial', 'perfecto', 'excelente',
    'buenísimo', 'ya funciona', 'funcionó', 'me sirvió', 'me ayudó', 'justo lo que necesitaba',
    'muy útil', 'increíble', 'maravilloso',
  ],
  negative: [
    'inútil', 'no sirve', 'no sirves para nada', 'no sirve para nada', 'no ayuda', 'no me ayuda',
    'no funciona', 'sigue sin funcionar', 'no tiene sentido', 'tontería', 'basura', 'está mal',
    'incorrecto', 'pérdida de tiempo', 'mismo error',
  ],
  sarcasm: [
    'gracias por nada', 'menuda ayuda', 'vaya ayuda',
  ],
  correction: [
    'quise decir', 'quería decir', 'me refería', 'dije', 'te dije', 'en realidad', 'en vez de', 'en lugar de',
    'debería ser', 'deberías', 'está mal', 'incorrecto', 'te olvidaste', 'olvidaste', 'no es', 'sino',
    'soy alérgico', 'soy alérgica', 'soy vegano', 'soy vegana', 'soy vegetariano', 'soy vegetariana', 'ya lo tengo', 'ya lo hice',
  ],
  hypotheticals: ['sería', 'estaría', 'quedaría', 'si fuera'],
  firstPerson: ['yo', 'soy', 'estoy', 'tengo', 'mi', 'mis', 'nosotros', 'somos', 'estamos', 'tenemos', 'nuestro', 'nuestra'],
  questionOpeners: ['cómo', 'como', 'qué', 'que', 'por qué', 'cuándo', 'dónde', 'cuál', 'cuánto', 'cuántos', 'cuánta', 'puedo', 'hay', 'es', 'y'],
  confusion: ['qué quieres decir', 'de qué hablas', 'no te entiendo', 'no entiendo', 'qué'],
  requery: [
    'te pregunté', 'mi pregunta era', 'no respondiste', 'no contestaste', 'no me respondiste', 'no es lo que pregunté',
    'no es lo que te pregunté', 'como te dije', 'como dije',
  ],
  contrast: ['pero', 'aunque', 'sin embargo', 'solo que', 'eso sí'],
  followUp: ['y si', 'qué tal', 'también', 'además', 'otra pregunta', 'por cierto', 'ahora', 'y para', 'y cómo', 'y qué', 'y dónde', 'y un', 'y una'],
  acknowledgement: ['ok', 'vale', 'bueno', 'ya', 'ah', 'hmm', 'sí', 'si', 'no', 'claro que sí', 'ajá', 'listo', 'dale', 'okey'],
  benign: ['no pasa nada', 'no te preocupes', 'de nada', 'no hay problema', 'no sé', 'no estoy seguro', 'no estoy segura'],
  leadIns: ['quise decir', 'quería decir', 'me refería a', 'es', 'son', 'era', 'debería ser'],
  politeness: ['por favor', 'puedes', 'podrías', 'porfa', 'y', 'pero', 'ahora', 'entonces'],
  directives: [
    {
      name: 'no-x-sino-y',
      requires: ['sino'],
      pattern: `${WB}no\\s+(?<wrong>[^,.;!?\\n]{1,50}?),?\\s+sino\\s+(?<right>[^,.;!?\\n]{1,60})`,
      hint: 'Usa {right}, no {wrong}.',
    },
    {
      name: 'x-no-y',
      requires: ['no '],
      pattern: `(?<right>[^,.;!?\\n]{1,60}),\\s*no\\s+(?<wrong>[^,.;!?\\n]{1,50})\\s*(?:[.!?]|$)`,
      hint: 'Usa {right}, no {wrong}.',
    },
    {
      name: 'quise-decir',
      verdict: true,
      requires: ['quise', 'quería', 'refería'],
      pattern: `${WB}(?:quise decir|quería decir|me refería a|me refería)\\s+(?<what>${REST}{2,200})`,
      hint: 'El usuario se refería a {what}; la respuesta debió tratar eso.',
    },
    {
      name: 'no-hagas',
      weak: true,
      requires: ['no ', 'sin '],
      pattern: `${START}(?<clause>(?:no\\s+(?:uses|pongas|incluyas|escribas|hagas|menciones|añadas)|sin)\\s+${REST}{2,160})`,
      hint: '{clause}.',
    },
    {
      name: 'mas-estilo',
      requires: ['más', 'demasiado', 'menos'],
      pattern: `${WB}(?:más|demasiado|menos)\\s+(?<style>corto|corta|largo|larga|formal|informal|sencillo|simple|técnico|detallado)(?![\\p{L}])`,
      hint: '{style}',
    },
  ],
  styleFixes: {
    largo: 'Sé mucho más conciso.',
    larga: 'Sé mucho más conciso.',
    corto: 'Sé mucho más conciso.',
    corta: 'Sé mucho más conciso.',
    sencillo: 'Explícalo de forma más sencilla.',
    simple: 'Explícalo de forma más sencilla.',
    técnico: 'Explícalo de forma más sencilla, sin jerga.',
    formal: 'Usa un tono más natural.',
    informal: 'Usa un tono más formal.',
    detallado: 'Da una respuesta más completa y detallada.',
  },
  templates: {
    followInstruction: '{clause}',
    tooGeneric: 'La respuesta anterior fue demasiado {style}; corrígelo.',
    thumbReason: 'El usuario valoró la respuesta anterior así: "{reason}". Tenlo en cuenta.',
    inlineMark: 'Donde la respuesta decía "{quote}", debió decir "{correction}".',
    inlineMarkInstruction: 'Sobre "{quote}" en la respuesta: {instruction}',
    inlineMarkNoQuote: 'La respuesta debió decir "{correction}".',
    editReplace: 'Escribe "{after}" en lugar de "{before}".',
    editRemove: 'Omite "{before}".',
    editAdd: 'Incluye "{after}".',
    editShorter: 'Sé más conciso: el usuario recortó la respuesta a un {percent}% de su longitud.',
    editLonger: 'Da más detalle: el usuario amplió la respuesta a un {percent}% de su longitud.',
    editRewrite: 'El usuario reescribió la respuesta; debió quedar así: "{after}".',
  },
};
