import type { ProblemList } from '../problems.js';
import { normalizeInsee, type Commune, type CommuneReference } from '../data/cog.js';
import { cogYear } from '../data/cog-year.js';
import { looseKey } from '../text/french.js';
import { setAside, type FileAccount } from './accounting.js';

export type Where = { file: string; line: number };

/**
 * A commune, an arrondissement or a former commune of the reference: a row with that code is a
 * town hall's or a mayor's, even beside a « Total » cell (totalCell).
 */
export const knownCode = (ref: CommuneReference) => (code: string): boolean => ref.commune(code) !== undefined || ref.arrondissement(code) !== undefined || ref.formerCodes.has(code);

/**
 * The current commune of a code, or an error naming the row (an old code names its successor).
 * `written` is the cell as it reads in the file, quoted when it is not a code at all (« Total : 1 mairie »).
 * A municipal arrondissement (Paris, Lyon, Marseille) is no error: its row is set aside, said so,
 * as the letters go to the commune's town hall and mayor.
 */
export function locate(ref: CommuneReference, insee: string, where: Where, field: string, what: string, problems: ProblemList, written?: string, former?: FormerCodeRows): Commune | Arrondissement | undefined {
  if (!insee) {
    problems.error('code-insee-manquant', `${what} : code INSEE vide`, { ...where, field });
    return undefined;
  }
  const commune = ref.commune(insee);
  if (commune) return commune;
  const arrondissement = ref.arrondissement(insee);
  if (arrondissement) return { arrondissement: insee, nom: arrondissement.nom, of: arrondissement.commune };
  const current = ref.formerCodes.get(insee);
  const now = current ? ref.commune(current) : undefined;
  if (now && former) former.add({ insee, now, where, field, what });
  else if (now) problems.error('code-insee-ancien', formerCodeMessage(what, insee, now), { ...where, field });
  else problems.error('code-insee-inconnu', `${what} : ${unknownCode(ref, insee, written)}`, { ...where, field });
  return undefined;
}

/**
 * Why a code is not placed. A well-formed code of a known département may be a commune created
 * after the reference relais reads (communes nouvelles start on 1 January): an RNE or a directory
 * published since would name it, and only a newer relais knows it.
 */
export function unknownCode(ref: CommuneReference, insee: string, written?: string): string {
  const shown = written && written !== insee ? `« ${written} »` : insee;
  const year = /^(\d{5}|2[AB]\d{3})$/.test(insee) && ref.departements.has(departementOfCode(insee)) ? cogYear() : undefined;
  if (year === undefined) return `code INSEE ${shown} inconnu du Code officiel géographique`;
  return `code INSEE ${shown} inconnu du Code officiel géographique ${year} que lit relais : si c'est une commune créée depuis le 1er janvier ${year}, il faut une version de relais plus récente ; sinon, le code est faux`;
}

/** What a former code is: « le code d'une ancienne commune, aujourd'hui Le Malesherbois (45191) ». */
function formerCodeWas(insee: string, now: Commune): string {
  // Corsica's communes were numbered 20xxx before its two départements (1976): the same commune.
  return /^20\d{3}$/.test(insee) && now.code.slice(2) === insee.slice(2) ? `un code d'avant 1976, aujourd'hui ${now.code} (${now.nom})` : `le code d'une ancienne commune, aujourd'hui ${now.nom} (${now.code})`;
}

function formerCodeMessage(what: string, insee: string, now: Commune, line?: number): string {
  return `${what} : ${insee} est ${formerCodeWas(insee, now)} : ${line === undefined ? `utilisez ${now.code}` : `${now.nom} a déjà sa ligne (ligne ${line}), retirez celle-ci`}`;
}

/**
 * Why a commune given on the command line (`preview`, `letters --commune`, `send --commune`) is
 * no recipient, in one sentence that says what to type instead: a former commune names the one
 * that replaced it (the town hall a secretary calls from may still use its old code), an
 * arrondissement its commune, a name is no code (the communes of that name are suggested), a
 * postal code its communes. `deps` are the départements looked in, `of` says whose they are.
 * The caller adds which option it was.
 */
export function notRecipientReason(ref: CommuneReference, given: string, deps: readonly string[], of = 'de la campagne'): string {
  const code = normalizeInsee(given);
  const within = `${deps.length > 1 ? 'les départements' : 'le département'} ${of} (${deps.join(', ')})`;
  const inDeps = (c: Commune) => deps.includes(c.departement);
  const commune = ref.commune(code);
  if (commune) return `la commune ${code} n'est pas un destinataire de cette campagne${inDeps(commune) ? '' : ` : ${commune.nom} n'est pas dans ${within}`}`;
  const arrondissement = ref.arrondissement(code);
  if (arrondissement) {
    const a = arrondissement.commune;
    return `${code} est ${arrondissement.nom}, un arrondissement municipal : la lettre va à la mairie de ${a.nom} (${a.code})${inDeps(a) ? ` ; utilisez ${a.code}` : `, qui n'est pas dans ${within}`}`;
  }
  const now = ref.commune(ref.formerCodes.get(code) ?? '');
  const byPost = /^\d{5}$/.test(code) ? ref.communesByPostalCode(code) : [];
  // Hundreds of postal codes are also a former commune's INSEE code (45190: Beaugency's postal
  // code, and the code of a commune merged into Le Malesherbois): both readings are said.
  const former = now ? `${code} est ${formerCodeWas(code, now)}${inDeps(now) ? ` : utilisez ${now.code}` : `, qui n'est pas dans ${within}`}` : undefined;
  if (former && byPost.length) return `${former} ; c'est aussi un code postal : ${postalCodeOf(byPost, inDeps)}`;
  if (former) return former;
  if (byPost.length) return `${code} est un code postal, pas un code INSEE : ${postalCodeOf(byPost, inDeps)}`;
  if (!/^(\d{5}|2[AB]\d{3})$/.test(code)) return `« ${given.trim()} » n'est pas un code INSEE : un code de 5 caractères est attendu (comme 45234)${namesLike(ref, given, deps)}`;
  return unknownCode(ref, code);
}

/**
 * The communes of a postal code, those of the départements first, the most populous first (the
 * town the code is named after, Richelieu for 37120, before its villages): « il dessert Orléans (45234) ».
 */
function postalCodeOf(communes: Commune[], inDeps: (c: Commune) => boolean): string {
  const byPopulation = [...communes].sort((a, b) => b.population - a.population);
  const shown = [...byPopulation.filter(inDeps), ...byPopulation.filter((c) => !inDeps(c))].slice(0, 5);
  const list = shown.map((c) => `${c.nom} (${c.code})`).join(', ');
  return `il dessert ${list}${communes.length > shown.length ? '…' : ''}`;
}

/** The communes of the départements whose name is, or begins with, the words given: a few, as a suggestion. */
function namesLike(ref: CommuneReference, given: string, deps: readonly string[]): string {
  const key = looseKey(given);
  if (!key) return '';
  const found: Commune[] = [];
  for (const dep of deps) {
    for (const c of ref.communesOf(dep)) {
      const name = looseKey(c.nom);
      if (name === key || name.startsWith(`${key} `)) found.push(c);
    }
  }
  if (found.length === 0) return '';
  found.sort((a, b) => a.nom.length - b.nom.length);
  const shown = found.slice(0, 5).map((c) => `${c.nom} (${c.code})`).join(', ');
  return ` ; ${found.length > 1 ? 'les communes de ce nom sont' : 'la commune de ce nom est'} ${shown}${found.length > 5 ? '…' : ''}`;
}

/**
 * Rows under the code of a commune since merged into another (an RNE older than the reference):
 * their advice waits for the end of the file. If the successor has a row of its own, the row is
 * to be removed — « utilisez 37003 » would make Amboise appear twice; if not, its code is to be
 * changed.
 */
export class FormerCodeRows {
  private readonly rows: Array<{ insee: string; now: Commune; where: Where; field: string; what: string }> = [];

  add(row: { insee: string; now: Commune; where: Where; field: string; what: string }): void {
    this.rows.push(row);
  }

  /**
   * Once the file is read: `lineOf` gives the line of a commune's own row, if it has one. Of
   * several rows under former codes of one commune without a row of its own, the first is to take
   * its code and the others to go: « utilisez » said to each would make it appear twice again.
   * Returns those communes, each with the line of its first such row: the commune has a row, rejected,
   * and is not to be said to have none.
   */
  report(problems: ProblemList, lineOf: (code: string) => number | undefined): Map<string, number> {
    const taken = new Map<string, number>();
    for (const r of this.rows) {
      const line = lineOf(r.now.code) ?? taken.get(r.now.code);
      if (line === undefined) taken.set(r.now.code, r.where.line);
      problems.error('code-insee-ancien', formerCodeMessage(r.what, r.insee, r.now, line), { ...r.where, field: r.field });
    }
    return taken;
  }
}

/** What locate returns for a municipal arrondissement (see arrondissementRow). */
export interface Arrondissement {
  arrondissement: string;
  nom: string;
  of: Commune;
}

export const isArrondissement = (c: Commune | Arrondissement): c is Arrondissement => 'arrondissement' in c;

/** How the accounts name such rows. */
export const ARRONDISSEMENT_ASIDE = 'arrondissement municipal (Paris, Lyon, Marseille)';

/**
 * A row of a municipal arrondissement is judged by its commune's département like any row; in the
 * campaign it is set aside as such, said: the letters go to the commune's town hall and mayor.
 */
export function arrondissementRow(a: Arrondissement, accepted: Acceptance, where: Where, field: string, what: string, problems: ProblemList, account: FileAccount): void {
  if (accepted === 'oui') {
    problems.warning('arrondissement', `${what} : ${a.arrondissement} est ${a.nom}, un arrondissement municipal : les lettres vont à la mairie et au maire de ${a.of.nom} (${a.of.code}) ; ligne écartée`, { ...where, field });
    setAside(account, ARRONDISSEMENT_ASIDE);
  } else if (accepted === 'ignoree') setAside(account, 'autre département');
  else account.rejetes++;
}

export type Acceptance = 'oui' | 'ignoree' | 'erreur';

/** Whether a row's commune is in the campaign; outside, ignored or an error as campagne.yaml says. */
export function campaignFilter(inCampaign: Set<string>, ignoreOutside: boolean, problems: ProblemList) {
  return (commune: Commune, where: Where, field: string, what: string): Acceptance => {
    if (inCampaign.has(commune.departement)) return 'oui';
    if (ignoreOutside) return 'ignoree';
    problems.error(
      'hors-campagne',
      `${what} : ${commune.nom} (${commune.code}) n'est pas dans les départements de la campagne (${[...inCampaign].join(', ')}) — retirez la ligne, ou mettez « hors_campagne: ignorer » sous « sources: » pour un fichier régional ou national`,
      { ...where, field },
    );
    return 'erreur';
  };
}

/** The département of a code the reference does not know (for a record of another département). */
export function departementOfCode(code: string): string {
  const c = code.toUpperCase();
  if (/^2[AB]/.test(c)) return c.slice(0, 2);
  return c.startsWith('97') || c.startsWith('98') ? c.slice(0, 3) : c.slice(0, 2);
}
