// SvarUt carries journalposttype and journalstatus as Noark 4 letter codes, the arkivmelding as Noark 5
// words. The reference maps only these pairs (its JournalposttypeMapper and JournalstatusMapper), and
// falls back to "I"/"Inngående dokument" and "R"/"Ferdigstilt fra saksbehandler" for anything else; its
// quirk "F" = "Godkjent av leder" is kept, since SvarInn senders rely on it (nextmove_receive_dpf.feature).

const JOURNALPOSTTYPE: readonly (readonly [string, string])[] = [
  ['I', 'Inngående dokument'],
  ['U', 'Utgående dokument'],
  ['S', 'Saksframlegg'],
  ['N', 'Organinternt dokument for oppfølging'],
  ['X', 'Organinternt dokument uten oppfølging'],
];

const JOURNALSTATUS: readonly (readonly [string, string])[] = [
  ['R', 'Ferdigstilt fra saksbehandler'],
  ['E', 'Ekspedert'],
  ['A', 'Arkivert'],
  ['F', 'Godkjent av leder'],
  ['J', 'Journalført'],
  ['U', 'Utgår'],
];

const DEFAULT_JOURNALPOSTTYPE = JOURNALPOSTTYPE[0] as readonly [string, string];
const DEFAULT_JOURNALSTATUS = JOURNALSTATUS[0] as readonly [string, string];

const toCode = (pairs: readonly (readonly [string, string])[], fallback: readonly [string, string], word: string | undefined) =>
  (pairs.find(([, w]) => w === word) ?? fallback)[0];

const toWord = (pairs: readonly (readonly [string, string])[], fallback: readonly [string, string], code: string | undefined) =>
  (pairs.find(([c]) => c === code) ?? fallback)[1];

/** "Utgående dokument" → "U". */
export const journalposttypeCode = (word: string | undefined): string => toCode(JOURNALPOSTTYPE, DEFAULT_JOURNALPOSTTYPE, word);
/** "U" → "Utgående dokument". */
export const journalposttypeWord = (code: string | undefined): string => toWord(JOURNALPOSTTYPE, DEFAULT_JOURNALPOSTTYPE, code);
/** "Journalført" → "J". */
export const journalstatusCode = (word: string | undefined): string => toCode(JOURNALSTATUS, DEFAULT_JOURNALSTATUS, word);
/** "F" → "Godkjent av leder". */
export const journalstatusWord = (code: string | undefined): string => toWord(JOURNALSTATUS, DEFAULT_JOURNALSTATUS, code);
