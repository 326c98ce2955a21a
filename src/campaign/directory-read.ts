import { RelaisError } from '../errors.js';
import type { ProblemList } from '../problems.js';
import type { Commune, CommuneReference } from '../data/cog.js';
import { chooseTownHall, classifyRecord, NATIONAL_SERVICE, townHallVerdict, type TownHallRecord } from '../data/directory.js';
import type { DirectoryItem } from '../data/directory-files.js';
import { REPEATED_HEADER, setAside, type FileAccount } from './accounting.js';
import { extraValuesMessage } from '../data/header-rows.js';
import { ARRONDISSEMENT_ASIDE, departementOfCode, unknownCode } from './communes.js';
import type { Campaign } from './load.js';
import type { TownHallContact } from './contacts-source.js';

/**
 * The town halls of a DILA directory export (data/directory.ts), one per commune of the campaign,
 * every record accounted for: apart from the préfecture's flat list, read in contacts-source.ts.
 */

const WHAT = 'fichier des mairies';
const OTHER_SERVICE = 'autre service (CCAS, police municipale…)';

/**
 * What a town hall's unreadable fields cost, said once per commune with the record's place: the
 * record is still its town hall (used), each field serving what it can. Undefined when all read.
 */
function unreadableFields(commune: Commune, t: TownHallRecord, label: string): string | undefined {
  if (t.illisibles.length === 0) return undefined;
  const email = t.illisibles.some((i) => i.field === 'adresse_courriel');
  const address = t.illisibles.some((i) => i.field === 'adresse');
  // nested() says « JSON illisible (…) »: « son champ … est du JSON illisible (…) ».
  const what = t.illisibles.length > 1
    ? `ses champs ${t.illisibles.map((i) => `« ${i.field} »`).join(' et ')} sont du ${t.illisibles.map((i) => i.reason).join(' et du ')}`
    : `son champ « ${t.illisibles[0]!.field} » est du ${t.illisibles[0]!.reason}`;
  // Said from what the record still gives, not from which field failed: an unreadable email
  // beside an empty address list is no « adresse de la fiche ».
  const hasAddress = !address && t.adresse !== undefined;
  const hasEmail = !email && t.courriels.length > 0;
  const letter = hasAddress ? "à l'adresse de la fiche, qui reste utilisée" : 'adressée au nom et au code postal de la commune';
  const then = hasEmail
    ? `l'adresse postale ${hasAddress ? 'de la fiche reste utilisée' : 'est faite du nom et du code postal de la commune'} ; le courriel de la fiche reste utilisé`
    : `la lettre partira par courrier, ${letter}`;
  return `${commune.nom} (${commune.code}) : ${label} : ${what} : ${then} ; corrigez ${t.illisibles.length > 1 ? 'ces champs' : 'ce champ'}`;
}

/**
 * A town-hall record of a commune, as kept until every record is read: its contact made at once
 * and what chooseTownHall ranks by. The record itself is let go: 40,000 of them, held to the end
 * of a national file, were the better part of what the garbage collector copied.
 */
interface Candidate {
  townHall: Pick<TownHallRecord, 'secondaire' | 'illisibles' | 'dateModification'>;
  own: boolean;
  contact: TownHallContact;
  /** Said when the record is kept: some of its fields do not read (unreadableFields). */
  unreadable: string | undefined;
  noAddress: boolean;
}

/** What the join reads of a town hall's record. */
function contactOf(t: TownHallRecord, file: string, line: number, label: string): TownHallContact {
  const a = t.adresse;
  return {
    courriels: t.courriels,
    complement1: a?.complement1 ?? '',
    complement2: a?.complement2 ?? '',
    voie: a?.voie ?? '',
    distribution: a?.distribution ?? '',
    codePostal: a?.codePostal ?? '',
    localite: a?.localite ?? '',
    telephone: t.telephone,
    file,
    line,
    label,
    ...(t.illisibles.some((i) => i.field === 'adresse_courriel') ? { courrielIllisible: true } : {}),
  };
}

function labelOf(item: DirectoryItem, nom?: string, id?: string): string {
  return `fiche n° ${item.index}${nom ? ` « ${nom} »` : ''}${id ? ` (id ${id})` : ''}`;
}

function field(value: unknown, key: string): string {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * The directory holds every local service of the files' départements: other services and other
 * départements are set aside (whatever `hors_campagne` says: a national export is the normal
 * input), one town hall per commune is kept, and each record not kept says why.
 */
export async function readDirectory(
  campaign: Campaign,
  ref: CommuneReference,
  problems: ProblemList,
  records: AsyncIterable<DirectoryItem[]>,
  file: string,
  account: FileAccount,
  contacts: Map<string, TownHallContact>,
  rejected: Map<string, number>,
): Promise<boolean> {
  const inCampaign = new Set(campaign.departements.map((d) => d.code));
  const candidates = new Map<string, Candidate[]>();
  const seenDeps = new Map<string, number>();
  let complete = true;
  // Only a code shaped like one names a département; anything else is a rejection to show.
  const codeShaped = (insee: string): boolean => /^(\d{5}|2[AB]\d{3})$/i.test(insee);
  const outside = (insee: string): boolean => {
    if (!codeShaped(insee)) return false;
    const commune = ref.currentCommune(insee);
    return !inCampaign.has(commune?.departement ?? departementOfCode(insee));
  };
  try {
    for await (const batch of records) {
      for (const item of batch) {
        // Most records are other services, counted by the run before anything else is read of them.
        if (item.otherService) {
          account.lus += item.otherService.count;
          setAside(account, OTHER_SERVICE, item.otherService.count);
          continue;
        }
        account.lus++;
        const where = { file, line: item.line };
        if (item.repeatedHeader) {
          setAside(account, REPEATED_HEADER);
          problems.warning('en-tete-repete', `${WHAT} : l'en-tête est répété à cette ligne (deux exports mis bout à bout ?) : ligne écartée`, where);
          continue;
        }
        if (item.extra) problems.warning('valeurs-en-trop', extraValuesMessage(WHAT, item.extra), where);
        if (item.error !== undefined) {
          account.rejetes++;
          problems.warning('fiche-rejetee', `${WHAT} : ${labelOf(item)} rejetée : ${item.error}`, where);
          continue;
        }
        const verdict = item.fields ? townHallVerdict(item.fields) : classifyRecord(item.value);
        if (verdict.kind === 'autre-service') {
          setAside(account, verdict.type === NATIONAL_SERVICE ? NATIONAL_SERVICE : OTHER_SERVICE);
          continue;
        }
        const nom = item.fields ? item.fields.nom : field(item.value, 'nom');
        const id = item.fields ? item.fields.id : field(item.value, 'id');
        if (verdict.kind === 'rejet') {
          if (outside(verdict.insee)) setAside(account, 'autre département');
          else {
            account.rejetes++;
            problems.warning('fiche-rejetee', `${WHAT} : ${labelOf(item, nom, id)} rejetée : ${verdict.reason}`, { ...where, field: verdict.field || 'fiche' });
            // Kept to say why the commune has no town hall, should no other record give it: « aucune ligne » would be untrue.
            const commune = codeShaped(verdict.insee) ? ref.currentCommune(verdict.insee) : undefined;
            if (commune && !rejected.has(commune.code)) rejected.set(commune.code, item.line);
          }
          continue;
        }
        const th = verdict.townHall;
        const commune: Commune | undefined = ref.currentCommune(th.insee);
        if (!commune && !codeShaped(th.insee)) {
          account.rejetes++;
          problems.warning('fiche-rejetee', `${WHAT} : ${labelOf(item, nom, id)} rejetée : code INSEE « ${th.insee} » mal formé (5 caractères attendus, comme 45234 ou 2A004)`, { ...where, field: 'pivot' });
          continue;
        }
        const dep = commune?.departement ?? departementOfCode(th.insee);
        seenDeps.set(dep, (seenDeps.get(dep) ?? 0) + 1);
        if (!inCampaign.has(dep)) {
          setAside(account, 'autre département');
          continue;
        }
        for (const r of th.reparations) problems.warning('code-repare', `${WHAT} : ${labelOf(item, nom, id)} : ${r}`, { ...where, field: 'code' });
        // The directory has a town hall per arrondissement of Paris, Lyon and Marseille: the
        // letter goes to the commune's, the arrondissement's is set aside as such.
        if ((!commune && ref.arrondissement(th.insee)) || th.arrondissement) {
          setAside(account, ARRONDISSEMENT_ASIDE);
          continue;
        }
        if (!commune) {
          account.rejetes++;
          problems.warning('fiche-rejetee', `${WHAT} : ${labelOf(item, nom, id)} rejetée : ${unknownCode(ref, th.insee)}`, { ...where, field: 'pivot' });
          continue;
        }
        const label = labelOf(item, th.nom, th.id);
        const candidate: Candidate = {
          townHall: { secondaire: th.secondaire, illisibles: th.illisibles, dateModification: th.dateModification },
          own: th.insee === commune.code,
          contact: contactOf(th, file, item.line, label),
          unreadable: unreadableFields(commune, th, label),
          noAddress: !th.adresse,
        };
        const list = candidates.get(commune.code);
        if (list) list.push(candidate);
        else candidates.set(commune.code, [candidate]);
      }
    }
  } catch (err) {
    if (!(err instanceof RelaisError)) throw err;
    problems.error('fichier-illisible', `${WHAT} : ${err.message}`, { file, ...err.location }, 'file');
    // Records read before the break stay counted; the rest of the file is unknown.
    complete = false;
  }

  for (const [code, list] of candidates) {
    const commune = ref.commune(code)!;
    const { chosen, why } = chooseTownHall(list);
    const c = chosen.contact;
    for (const other of list) {
      if (other === chosen) continue;
      if (other.townHall.secondaire && !chosen.townHall.secondaire) {
        setAside(account, 'mairie déléguée ou annexe');
        continue;
      }
      setAside(account, 'mairie en double');
      problems.warning(
        'mairie-en-double',
        `${WHAT} : ${commune.nom} (${commune.code}) a plusieurs fiches « mairie » : ${c.label} (ligne ${c.line}) est retenue — ${why} ; ${other.contact.label} est écartée`,
        { file, line: other.contact.line, field: 'pivot' },
      );
    }
    const t = chosen.townHall;
    if (t.secondaire) {
      problems.warning('mairie-secondaire', `${WHAT} : ${commune.nom} (${commune.code}) n'a qu'une mairie déléguée ou annexe (${c.label}) : elle est utilisée`, { file, line: c.line, field: 'pivot' });
    }
    if (chosen.unreadable) problems.warning('cellule-illisible', `${WHAT} : ${chosen.unreadable}`, { file, line: c.line, field: t.illisibles.map((i) => i.field).join(', ') });
    else if (chosen.noAddress) {
      problems.warning('adresse-vide', `${WHAT} : ${c.label} sans adresse : l'adresse postale est faite du nom et du code postal de la commune`, { file, line: c.line, field: 'adresse' });
    }
    account.utilises++;
    contacts.set(code, c);
  }
  // A regional campaign given one département's export: say so once, not only commune by commune.
  if (contacts.size > 0) {
    const covered = new Set([...contacts.keys()].map((code) => ref.commune(code)?.departement));
    for (const dep of campaign.departements) {
      if (!covered.has(dep.code)) problems.warning('departement-absent', `${WHAT} : aucune mairie du département ${dep.code} (${dep.nom}) dans ce fichier : ses lettres partiront toutes par courrier`, { file }, 'file');
    }
  }
  if (account.lus === 0 && !problems.errors.some((p) => p.kind === 'fichier-illisible' && p.file === file)) {
    problems.error('fichier-vide', `${WHAT} : aucune fiche dans cet export de l'annuaire`, { file, line: 1 }, 'file');
  }
  if (account.lus > 0 && account.utilises === 0 && !problems.errors.some((p) => p.kind === 'fichier-illisible' && p.file === file)) {
    const covered = [...seenDeps.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([d]) => d);
    problems.error(
      'aucune-mairie',
      `${WHAT} : aucune mairie des départements de la campagne (${[...inCampaign].join(', ')}) parmi ${account.lus.toLocaleString('fr-FR')} fiches${covered.length ? ` ; le fichier couvre : ${covered.join(', ')}` : ''} — est-ce l'export du bon département ?`,
      { file },
      'file',
    );
  }
  return complete;
}
