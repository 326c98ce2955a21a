/**
 * French language helpers that need no data: articles, elision, capitals for postal lines.
 * Pure functions, shared by templates, addresses and reports.
 */

/** INSEE "type de nom en clair" (TNCC, called typeLiaison in the COG package) → charnière "de". */
const CHARNIERES = ['de ', "d'", 'du ', 'de la ', 'des ', "de l'", 'des ', 'de las ', 'de los '] as const;
/** Same table for the bare article ("le Loiret", "l'Indre"). */
const ARTICLES = ['', '', 'le ', 'la ', 'les ', "l'", 'les ', 'las ', 'los '] as const;

/** Leading article carried by commune names ("Le Mans", "L'Île-Bouchard"). */
const LEADING_ARTICLE = /^(?:(Les|Le|La) |(L)['’])/u;

/**
 * "de" + name with the right contraction: du Loiret, d'Indre-et-Loire, de l'Indre, du Mans,
 * de Tours, d'Orléans. Names that carry their article (communes) are contracted from the article
 * itself; names that do not (départements) from the TNCC code.
 */
export function withDe(name: string, typeLiaison: number): string {
  const article = LEADING_ARTICLE.exec(name);
  if (article) {
    const rest = name.slice(article[0].length);
    switch (article[1] ?? article[2]) {
      case 'Le':
        return `du ${rest}`;
      case 'Les':
        return `des ${rest}`;
      default:
        // "de La Ferté-Saint-Aubin", "de L'Île-Bouchard": the article stays part of the name.
        return `de ${name}`;
    }
  }
  const charniere = CHARNIERES[typeLiaison] ?? CHARNIERES[0];
  return charniere + name;
}

/** The name with its definite article: "le Loiret", "l'Indre", "Indre-et-Loire" stays bare. */
export function withArticle(name: string, typeLiaison: number): string {
  if (LEADING_ARTICLE.test(name)) return name;
  return (ARTICLES[typeLiaison] ?? '') + name;
}

/** Removes diacritics, and spells out the ligatures NFD leaves alone (Œ, Æ). */
export function stripAccents(text: string): string {
  // Most names and addresses are plain ASCII: NFD normalisation is the costly part of a join.
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/Œ/g, 'OE')
    .replace(/œ/g, 'oe')
    .replace(/Æ/g, 'AE')
    .replace(/æ/g, 'ae');
}

/** ASCII slug for file names: no separators, no dots, nothing a path could misread. */
export function slug(text: string, maxLength = 60): string {
  const s = stripAccents(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  return s || 'sans-nom';
}

/** Names compared loosely: case, accents, hyphens and apostrophes do not matter. */
export function looseKey(text: string): string {
  return stripAccents(text).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/**
 * French spacing before high punctuation and inside guillemets, for printed letters:
 * U+202F (narrow no-break space) before ; ! ? and inside « », U+00A0 (no-break space) before :
 * (the Imprimerie nationale's usage: a full-width space before the colon, a thin one elsewhere).
 * A space is added where the text has none, and a wrong or breakable one is replaced, so the mark
 * never starts a line. URLs and e-mail addresses are left alone, and so are marks not followed by
 * a space or the end ("14:30", "a?b"). Idempotent: correct text comes back unchanged.
 */
const SPACING = new RegExp(
  [
    // Left as they are: URLs (without trailing punctuation) and e-mail addresses.
    String.raw`(?:https?:\/\/|mailto:|www\.)[^\s()<>\[\]«»]*[^\s()<>\[\]«».,;:!?]`,
    String.raw`[^\s()<>\[\]«»@]+@[^\s()<>\[\]«»@]*[^\s()<>\[\]«»@.,;:!?]`,
    // « then any spaces, before a word.
    String.raw`(«)[ \u00a0\u2009\u202f]*(?=[^\s»])`,
    // Any spaces then », after a word.
    String.raw`(?<=[^\s«])[ \u00a0\u2009\u202f]*(»)`,
    // ; ! ? after a word, before a space, the end or closing punctuation.
    String.raw`(?<=[^\s«(\[;:!?])[ \u00a0\u2009\u202f]*([;!?])(?=$|[\s»)\]"”.,;:!?…])`,
    // : likewise, but only before a space or the end.
    String.raw`(?<=[^\s«(\[;:!?])[ \u00a0\u2009\u202f]*(:)(?=$|[\s»])`,
  ].join('|'),
  'gu',
);

export function frenchSpacing(text: string): string {
  return text.replace(SPACING, (all, open?: string, close?: string, mark?: string, colon?: string) => {
    if (open) return `${open}\u202f`;
    if (close) return `\u202f${close}`;
    if (mark) return `\u202f${mark}`;
    if (colon) return `\u00a0${colon}`;
    return all;
  });
}
