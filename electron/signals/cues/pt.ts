import type { CueSet } from './cue-set';

/** Portuguese (pt-BR and pt-PT): a small set of chat cues; structure does the rest. */
export const PT: CueSet = {
  language: 'pt',
  stopwords: [
    'não', 'você', 'vocês', 'é', 'do', 'da', 'dos', 'das', 'em', 'um', 'uma', 'com', 'isso', 'isto', 'mas', 'muito',
    'tem', 'eu', 'meu', 'minha', 'ele', 'ela', 'pra', 'para', 'os', 'as', 'que', 'de', 'na', 'nas', 'nos', 'ao',
    'foi', 'são', 'está', 'estou', 'tenho', 'também', 'já', 'ainda', 'quando', 'onde', 'porque', 'por que', 'qual',
    'quanto', 'quantas', 'quantos', 'mais', 'sim', 'seu', 'sua', 'faz', 'fazer', 'posso', 'pode', 'tá', 'aqui',
  ],
  positive: [
    'obrigado', 'obrigada', 'muito obrigado', 'muito obrigada', 'valeu', 'perfeito',
    'ótimo', 'excelente', 'deu certo', 'funcionou', 'ajudou muito', 'muito útil',
    'exato', 'isso mesmo',
  ],
  negative: [
    'inútil', 'não funciona', 'não funcionou', 'não deu certo', 'não ajuda', 'não ajudou',
    'errado', 'não faz sentido', 'sem sentido', 'perda de tempo', 'ainda não funciona', 'mesmo erro',
  ],
  sarcasm: [
    'obrigado por nada',
  ],
  correction: ['eu quis dizer', 'quis dizer', 'eu disse', 'te disse', 'na verdade', 'em vez de', 'ao invés de', 'deveria ser', 'você esqueceu', 'esqueceu', 'sou alérgico', 'sou alérgica', 'sou vegetariano', 'sou vegetariana', 'sou vegano', 'sou vegana'],
  hypotheticals: ['seria', 'ficaria'],
  firstPerson: ['eu', 'sou', 'estou', 'tenho', 'nós', 'somos', 'estamos', 'temos', 'meu', 'minha', 'nosso', 'nossa'],
  questionOpeners: ['como', 'por que', 'porque', 'quando', 'onde', 'qual', 'quais', 'quanto', 'quantos', 'quanta', 'o que', 'posso', 'dá pra', 'tem como', 'e'],
  confusion: ['como assim', 'do que você está falando', 'não te entendo', 'não entendi', 'o quê'],
  requery: [
    'eu perguntei', 'minha pergunta era', 'você não respondeu', 'não foi isso que eu perguntei', 'como eu disse',
  ],
  contrast: ['mas', 'porém', 'no entanto', 'só que', 'embora'],
  followUp: ['e se', 'e para', 'e como', 'também', 'além disso', 'outra pergunta', 'aliás', 'agora', 'depois'],
  acknowledgement: ['ok', 'tá', 'beleza', 'certo', 'ah', 'sim', 'não', 'entendi', 'blz', 'pode ser'],
  benign: ['não se preocupe', 'de nada', 'sem problema', 'não sei', 'nada mal', 'não tem problema'],
  leadIns: ['eu quis dizer', 'quis dizer', 'é', 'são', 'deveria ser'],
  politeness: ['por favor', 'pode', 'poderia', 'pfv', 'pls', 'e', 'mas', 'então'],
  directives: [],
  styleFixes: {},
  templates: {
    followInstruction: '{clause}',
    tooGeneric: 'A resposta anterior foi {style} demais; ajuste isso.',
    thumbReason: 'O usuário avaliou a resposta anterior assim: "{reason}". Leve isso em conta.',
    inlineMark: 'Onde a resposta dizia "{quote}", deveria ter dito "{correction}".',
    inlineMarkInstruction: 'Sobre "{quote}" na resposta: {instruction}',
    inlineMarkNoQuote: 'A resposta deveria ter dito "{correction}".',
    editReplace: 'Escreva "{after}" em vez de "{before}".',
    editRemove: 'Omita "{before}".',
    editAdd: 'Inclua "{after}".',
    editShorter: 'Seja mais conciso: o usuário reduziu a resposta para cerca de {percent}% do tamanho.',
    editLonger: 'Dê mais detalhes: o usuário ampliou a resposta para cerca de {percent}% do tamanho.',
    editRewrite: 'O usuário reescreveu a resposta; ela deveria ser assim: "{after}".',
  },
};
