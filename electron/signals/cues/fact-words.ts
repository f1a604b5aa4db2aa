/**
 * Words that name a value of a known kind (a weekday, a month, a part of the day), in every language
 * the engine reads. Two different values of one kind in the reply and the user's next message are a
 * contradiction ("it was a wednesday" after "… is a Thursday"), whatever else the message says.
 */
export const FACT_WORDS: Record<string, readonly string[]> = {
  weekday: [
    'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
    'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
    'montag', 'dienstag', 'mittwoch', 'donnerstag', 'freitag', 'samstag', 'sonntag',
    'lunes', 'martes', 'miércoles', 'miercoles', 'jueves', 'viernes', 'sábado', 'sabado', 'domingo',
    'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche',
  ],
  month: [
    'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
    'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
    'januar', 'februar', 'märz', 'juni', 'juli', 'oktober', 'dezember',
    'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre',
    'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
  ],
  dayPart: ['am', 'pm', 'morning', 'evening', 'night', 'afternoon', 'morgens', 'abends', 'mañana', 'tarde', 'noche', 'matin', 'soir'],
  platform: ['windows', 'mac', 'macos', 'linux', 'ubuntu', 'android', 'ios', 'iphone', 'ipad', 'samsung', 'pixel', 'chromebook'],
};

/**
 * Unit words longer than four letters, by the unit they name, in every language the engine reads.
 * A number's unit decides what it can contradict: "8 hours ahead" is no correction of "30 minutes".
 */
export const UNIT_WORDS: Record<string, readonly string[]> = {
  second: ['seconds', 'second', 'sekunden', 'sekunde', 'segundos', 'segundo', 'secondes', 'seconde', 'secondi', 'seconden'],
  minute: ['minutes', 'minute', 'minuten', 'minutos', 'minuto', 'minuti'],
  hour: ['hours', 'stunden', 'stunde', 'horas', 'heures', 'heure', 'uren'],
  day: ['tagen', 'jours', 'giorni', 'dagen'],
  week: ['weeks', 'wochen', 'woche', 'semanas', 'semana', 'semaines', 'semaine', 'settimane', 'weken'],
  month: ['months', 'month', 'monate', 'monaten', 'meses', 'mesi', 'maanden'],
  year: ['years', 'jahre', 'jahren', 'años', 'annees', 'années', 'anni', 'jaren', 'anos'],
  money: ['euros', 'dollars', 'dollar', 'pounds', 'bucks', 'francs', 'pesos', 'reais'],
  percent: ['percent', 'prozent', 'pourcent', 'procent'],
};
