import { formatLocation } from '../errors.js';
import type { FileAccount } from '../campaign/accounting.js';
import { DETAILED, problemCount, type Problem } from '../problems.js';
import type { Output } from './output.js';
import { countOf, frenchNumber, shortenQuotes } from '../text/format.js';

/** French headings for each kind of problem, in the order they are most useful to fix. */
export const KIND_LABELS: Record<string, string> = {
  yaml: 'Syntaxe de campagne.yaml',
  'cle-inconnue': 'Clé inconnue dans campagne.yaml',
  configuration: 'Configuration de la campagne',
  'campagne-renommee': 'Campagne renommée (le journal en connaît une autre)',
  media: 'Média de la campagne',
  publication: 'Publication de campagne.yaml',
  'caractere-non-dessinable': 'Caractère que la police des lettres ne sait pas dessiner',
  'encodages-melanges': 'Fichier aux encodages mêlés',
  arrondissement: 'Arrondissement municipal (Paris, Lyon, Marseille)',
  'volontaires-zero': 'Aucun volontaire compté dans la région',
  'aucun-maire': 'Aucun maire de la campagne dans le fichier des maires',
  'region-autre': 'Nom qui cite une autre région que celle de la campagne',
  'fichier-manquant': 'Fichier introuvable',
  'fichier-illisible': 'Fichier illisible',
  'lecteur-natif': 'Lecteur natif de l’annuaire qui ne se charge pas (annuaire lu en JavaScript, plus lentement)',
  'fichier-vide': 'Fichier sans données',
  'colonne-manquante': 'Colonne manquante',
  'colonne-en-double': 'Colonne en double',
  'code-insee-manquant': 'Code INSEE manquant',
  'code-insee-inconnu': 'Code INSEE inconnu',
  'code-insee-ancien': "Code INSEE d'une ancienne commune",
  'hors-campagne': 'Commune hors des départements de la campagne',
  'commune-en-double': 'Commune en double',
  'sexe-invalide': 'Code sexe invalide',
  'nom-manquant': 'Nom manquant',
  'aucune-mairie': 'Aucune mairie de la campagne dans le fichier des mairies',
  'departement-absent': 'Département absent du fichier des mairies',
  'courriel-invalide': 'Adresse électronique mal formée (envoi postal)',
  'courriels-multiples': 'Plusieurs adresses électroniques (la première valide est utilisée)',
  'courriel-ecarte': 'Adresse électronique mise de côté (ancienne, à ne plus utiliser, ou entre parenthèses)',
  'courriel-note': 'Commentaire ou libellé ôté d’une adresse électronique',
  'adresse-partagee': 'Adresse électronique partagée par plusieurs mairies (chaque courriel nomme sa commune)',
  'courriel-international': 'Adresse électronique accentuée avant le @ (serveur SMTPUTF8 nécessaire)',
  'code-repare': 'Code complété de son zéro initial',
  'en-tete-repete': 'En-tête répété (exports mis bout à bout)',
  'en-tete-deux-lignes': 'En-tête sur deux lignes (lu par ses sous-titres)',
  'valeurs-en-trop': 'Ligne avec plus de valeurs que de colonnes',
  'fiche-rejetee': "Fiche de l'annuaire rejetée",
  'cellule-illisible': "Fiche de l'annuaire dont l'adresse ou le courriel est illisible (le reste est utilisé)",
  'mairie-en-double': 'Plusieurs mairies pour une commune (une seule retenue)',
  'mairie-secondaire': 'Commune sans mairie principale dans l’annuaire',
  'adresse-vide': "Mairie sans adresse dans l'annuaire",
  'sans-maire': 'Commune sans maire',
  'ligne-ecartee': 'Ligne du fichier des maires écartée (sans fonction, la commune a son maire)',
  'sans-courriel': 'Mairie sans adresse électronique (envoi postal)',
  adresse: 'Adresse postale hors norme',
  'population-nulle': 'Population nulle',
  modele: 'Modèle de texte',
  'inscription-rejetee': 'Inscription rejetée (non comptée)',
  'ligne-total': 'Ligne de total sous le tableau (écartée)',
  'erreur-formule': 'Cellule qui montre une erreur de formule (#N/A, #REF!…)',
  'code-postal': "Code postal qui n'est pas celui de la commune (le code postal de la commune est utilisé)",
  'colonnes-courriel': 'Plusieurs colonnes d’adresse électronique (une seule est lue)',
  'lien-courriel': 'Cellule qui montre une adresse électronique et dont le lien mène à une autre',
  'texte-barre': 'Texte barré dans une cellule (laissé de côté)',
  'ligne-barree': 'Ligne barrée dans Excel (écartée)',
  'feuilles-masquees': 'Classeur avec des feuilles masquées dans Excel (laissées de côté)',
  'colonnes-multiples': 'Plusieurs colonnes pour un même champ (une seule est lue)',
  'colonne-non-lue': 'Colonne d’adresse que relais ne lit pas',
  'en-tete-colle': 'En-tête d’un autre fichier collé à la dernière ligne',
  'inscription-conflit': 'Volontaire qui change de département (le plus récent l’emporte)',
  'identifiant-sans-zeros': 'Identifiant sans ses zéros initiaux (même volontaire, compté une fois)',
  'dates-mois-jour': 'Dates écrites mois/jour/année (lues ainsi)',
  'dates-jour-mois': 'Dates lisibles jour/mois ou mois/jour (lues jour/mois)',
  'date-ambigue': 'Date lue jour/mois dans une colonne écrite mois/jour',
  'code-postal-repare': 'Code postal réparé (espace, zéro initial perdu)',
  'inscriptions-apres-lettre': 'Inscriptions après la date des lettres (non comptées dans leur chiffre)',
  'feuille-lue': 'Classeur lu sur une autre feuille que la première',
  'octets-nuls': 'Octets nuls à la fin du fichier (ignorés)',
  'regle-canal': 'Règle du canal (longueur, caractères)',
};

export const SHOWN_PER_KIND = 50;

export function problemLine(p: Problem): string {
  const where = formatLocation(p);
  return `${where ? `${where}: ` : ''}${shortenQuotes(p.message)}${p.field && !where.includes(p.field) && p.scope === 'file' && p.file === 'campagne.yaml' ? ` (${p.field})` : ''}`;
}

/**
 * Groups by kind; shows the first 50 of each group with the total. Past a thousand of a kind in a
 * file the rest is one summary line (`more`): titles and « et N autres » count what it stands for.
 */
export function printProblems(out: Output, title: string, problems: Problem[], colour: (s: string) => string): void {
  if (problems.length === 0) return;
  out.line(colour(`${title} (${frenchNumber(problemCount(problems))})`));
  const groups = new Map<string, Problem[]>();
  for (const p of problems) {
    // Pushed, not copied: a thousand warnings of one kind were half a million copies.
    const group = groups.get(p.kind);
    if (group) group.push(p);
    else groups.set(p.kind, [p]);
  }
  for (const [kind, list] of groups) {
    const total = problemCount(list);
    out.line(`  ${out.colors.bold(KIND_LABELS[kind] ?? kind)} (${frenchNumber(total)})`);
    const shown = list.slice(0, SHOWN_PER_KIND);
    for (const p of shown) out.line(`    ${problemLine(p)}`);
    const rest = total - problemCount(shown);
    if (rest <= 0) continue;
    // --json details the first thousand of a kind per file and counts the others: « tous » would be untrue.
    const folded = list.some((p) => p.more !== undefined);
    out.line(out.colors.dim(`    … et ${plural(rest, 'autre')} ${folded ? `(dans --json : les ${frenchNumber(DETAILED)} premiers de chaque fichier, et le nombre des suivants)` : '(tous dans --json)'}`));
  }
  out.line();
}

/** "2 142 doublons", "1 doublon", "0 doublon": the commands' counts, through the one helper. */
export const plural = countOf;

export { shortenQuotes } from '../text/format.js';

/**
 * What each file read gave: lines read = used + set aside (with why) + rejected. `check` prints
 * it; so does every command that produces from the files (`letters`), with the first line of each
 * file that check has something to say about, and how many there are (`check` details them all).
 */
export function printFileAccounts(out: Output, fichiers: FileAccount[], rows?: Problem[]): void {
  if (fichiers.length === 0) return;
  out.line(`${out.colors.bold('Fichiers')} (lus = utilisés + écartés + rejetés) :`);
  const n = (x: number) => x.toLocaleString('fr-FR');
  const w = (x: number, word: string) => `${n(x)} ${word}${x > 1 ? 's' : ''}`;
  for (const f of fichiers) {
    const aside = Object.values(f.ecartes).reduce((a, b) => a + b, 0);
    const why = Object.entries(f.ecartes).map(([reason, k]) => `${reason} : ${n(k)}`).join(', ');
    out.line(`  ${f.fichier} (${f.format}) : ${w(f.lus, 'lu')}, ${w(f.utilises, 'utilisé')}, ${w(aside, 'écarté')}${why ? ` (${why})` : ''}, ${w(f.rejetes, 'rejeté')}`);
    if (!rows) continue;
    const mine = rows.filter((p) => p.file === f.fichier && p.line !== undefined && p.scope === 'row');
    const count = mine.reduce((k, p) => k + (p.more ?? 1), 0);
    if (count) out.line(out.colors.dim(`    ${plural(count, 'ligne signalée', 'lignes signalées')} (relais check les détaille), dont ${problemLine(mine[0]!)}`));
  }
}
