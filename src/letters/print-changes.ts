import { countOf, frenchDateTime } from '../text/format.js';

/**
 * The letters that joined a print file since its previous version, as a list the mail room can
 * keep: when that version is already in the post, these letters, and only these, are to be
 * printed. A région's relay refusing 2,000 addresses adds hundreds to one file: the terminal names
 * ten, this file names them all.
 */
export const additionsListPath = (printPath: string): string => printPath.replace(/\.pdf$/i, '') + '-ajouts.txt';

export interface ChangeLine {
  code: string;
  nom: string;
  /** The letter's own file, relative to the campaign folder. */
  path: string;
}

export function additionsListText(printName: string, since: string, previousLetters: number, added: ChangeLine[], removed: ChangeLine[]): string {
  const when = since ? `du ${frenchDateTime(since)}` : 'précédente';
  const lines = [
    `Fichier à imprimer ${printName} : ${countOf(added.length, 'lettre ajoutée', 'lettres ajoutées')} depuis sa version ${when} (${countOf(previousLetters, 'lettre')}).`,
    `Si cette version est déjà postée, n'imprimez que ${added.length > 1 ? 'ces lettres' : 'cette lettre'} (chacune est aussi dans ${printName}) :`,
    '',
    ...added.map((c) => `${c.path}\t${c.nom} ${c.code}`),
  ];
  if (removed.length) {
    lines.push('', `${countOf(removed.length, 'lettre retirée', 'lettres retirées')} depuis cette version :`, '', ...removed.map((c) => `${c.nom} ${c.code}`));
  }
  return `${lines.join('\n')}\n`;
}
