/**
 * Text normalisation shared by intent matching, entity synonyms and button labels: lower case, accents removed,
 * typographic apostrophes made plain. Positions are not kept: matching works on words.
 */

/** Lower case, without accents (`Téléphone` → `telephone`), with `’` read as `'`. */
export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'");
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text, normalised: letters and digits, everything else separates words. */
export function words(text: string): string[] {
  return normalize(text).match(WORD) ?? [];
}
