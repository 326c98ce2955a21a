import type { ProblemList } from '../problems.js';
import { type Commune, type CommuneReference } from '../data/cog.js';
import { contactColumns, isContactHeader, isValidEmail, toContact, type ContactRecord } from '../data/contacts.js';
import { isRneHeader, rneColumns, toMayor, type MayorRecord } from '../data/rne.js';
import { looseKey, withDe } from '../text/french.js';
import { townHallAddress } from '../text/address.js';
import type { Campaign, CampaignDepartement } from './load.js';
import { forEachRow, openSource, sourceConfig } from './sources.js';

/**
 * The join at the heart of relais: one recipient per current commune of the campaign's
 * départements, with its mayor (RNE) and its town-hall contact when known, and the postal
 * address block built from them.
 */
export interface Recipient {
  commune: Commune & { deNom: string };
  departement: CampaignDepartement & { deNom: string };
  maire: { nom: string; prenom: string; sexe: 'F' | 'M'; file: string; line: number } | undefined;
  contact: { courriel: string | undefined; file: string; line: number } | undefined;
  adresse: string[];
}

type Where = { file: string; line: number };

function locate(ref: CommuneReference, insee: string, where: Where, field: string, what: string, problems: ProblemList): Commune | undefined {
  if (!insee) {
    problems.error('code-insee-manquant', `${what} : code INSEE vide`, { ...where, field });
    return undefined;
  }
  const commune = ref.communes.get(insee);
  if (commune) return commune;
  const current = ref.formerCodes.get(insee);
  const now = current ? ref.communes.get(current) : undefined;
  if (now) {
    problems.error('code-insee-ancien', `${what} : ${insee} est le code d'une ancienne commune, aujourd'hui ${now.nom} (${now.code}) : utilisez ${now.code}`, { ...where, field });
  } else {
    problems.error('code-insee-inconnu', `${what} : code INSEE ${insee} inconnu du Code officiel géographique`, { ...where, field });
  }
  return undefined;
}

export interface JoinResult {
  recipients: Recipient[];
  /** Rows of communes outside the campaign, skipped because `hors_campagne: ignorer`. */
  outside: number;
  mayorsRead: number;
  contactsRead: number;
}

export async function buildRecipients(campaign: Campaign, ref: CommuneReference, problems: ProblemList, onlyDeps?: string[]): Promise<JoinResult> {
  const deps = campaign.departements.filter((d) => !onlyDeps?.length || onlyDeps.includes(d.code));
  const inCampaign = new Set(campaign.departements.map((d) => d.code));
  const ignoreOutside = campaign.config.sources.hors_campagne === 'ignorer';
  let outside = 0;

  const accept = (commune: Commune, where: Where, field: string, what: string): boolean => {
    if (inCampaign.has(commune.departement)) return true;
    if (ignoreOutside) outside++;
    else {
      problems.error(
        'hors-campagne',
        `${what} : ${commune.nom} (${commune.code}) n'est pas dans les départements de la campagne (${[...inCampaign].join(', ')}) — retirez la ligne, ou mettez « hors_campagne: ignorer » sous « sources: » pour un fichier régional ou national`,
        { ...where, field },
      );
    }
    return false;
  };

  const mayors = new Map<string, MayorRecord & { file: string }>();
  let mayorsRead = 0;
  const mayorSource = sourceConfig(campaign.config.sources.maires);
  const mayorTable = await openSource(campaign, mayorSource, 'fichier des maires', isRneHeader, rneColumns, problems);
  // A row that is missing has no line, but the file it is missing from is still named.
  const mayorsFile = mayorTable?.table.file;
  if (mayorTable) {
    const { table, columns } = mayorTable;
    const hasFunction = columns.indexes.has('fonction');
    mayorsRead = await forEachRow(table, 'fichier des maires', problems, (values, line) => {
      const m = toMayor(values, line, columns.indexes);
      // The RNE file of all municipal councillors also works: only mayors are kept.
      if (hasFunction && m.fonction && looseKey(m.fonction) !== 'maire') return;
      const where = { file: table.file, line };
      if (m.sexe !== 'F' && m.sexe !== 'M') {
        problems.error('sexe-invalide', `fichier des maires : code sexe « ${m.sexe} » invalide (F ou M attendu)`, { ...where, field: 'Code sexe' });
      }
      if (!m.nom) problems.error('nom-manquant', `fichier des maires : nom de l'élu vide`, { ...where, field: "Nom de l'élu" });
      const commune = locate(ref, m.insee, where, 'Code de la commune', 'fichier des maires', problems);
      if (!commune || !accept(commune, where, 'Code de la commune', 'fichier des maires')) return;
      const previous = mayors.get(commune.code);
      if (previous) {
        problems.error('commune-en-double', `fichier des maires : ${commune.nom} (${commune.code}) apparaît deux fois (déjà ligne ${previous.line})`, { ...where, field: 'Code de la commune' });
        return;
      }
      mayors.set(commune.code, { ...m, file: table.file });
    });
  }

  const contacts = new Map<string, ContactRecord & { file: string }>();
  let contactsRead = 0;
  let contactsFile: string | undefined;
  if (campaign.config.sources.mairies) {
    const contactSource = sourceConfig(campaign.config.sources.mairies);
    const contactTable = await openSource(campaign, contactSource, 'fichier des mairies', isContactHeader, contactColumns, problems);
    contactsFile = contactTable?.table.file;
    if (contactTable) {
      const { table, columns } = contactTable;
      contactsRead = await forEachRow(table, 'fichier des mairies', problems, (values, line) => {
        const c = toContact(values, line, columns.indexes);
        const where = { file: table.file, line };
        const commune = locate(ref, c.insee, where, 'code INSEE', 'fichier des mairies', problems);
        if (!commune || !accept(commune, where, 'code INSEE', 'fichier des mairies')) return;
        const previous = contacts.get(commune.code);
        if (previous) {
          problems.error('commune-en-double', `fichier des mairies : ${commune.nom} (${commune.code}) apparaît deux fois (déjà ligne ${previous.line})`, { ...where, field: 'code INSEE' });
          return;
        }
        // Never sent to, but not blocking the campaign: that town hall gets the letter by post.
        if (c.courriel && !isValidEmail(c.courriel)) {
          problems.warning('courriel-invalide', `fichier des mairies : adresse électronique « ${c.courriel} » mal formée (${commune.nom}) : jamais utilisée, la lettre partira par courrier`, { ...where, field: 'courriel' });
        }
        contacts.set(commune.code, { ...c, file: table.file });
      });
    }
  }

  const recipients: Recipient[] = [];
  for (const dep of deps) {
    const depDe = withDe(dep.nom, dep.typeLiaison);
    for (const commune of ref.communesOf(dep.code)) {
      const mayor = mayors.get(commune.code);
      const contact = contacts.get(commune.code);
      const sexe = mayor && (mayor.sexe === 'F' || mayor.sexe === 'M') ? mayor.sexe : undefined;
      const name = `${commune.nom} (${commune.code})`;
      if (!mayor) problems.warning('sans-maire', `${name} : aucun maire dans le fichier des maires`, { ...(mayorsFile ? { file: mayorsFile } : {}), field: 'maire' });
      if (!contact) problems.warning('sans-courriel', `${name} : aucune ligne dans le fichier des mairies, la lettre partira par courrier`, { ...(contactsFile ? { file: contactsFile } : {}), field: 'courriel' });
      else if (!contact.courriel || !isValidEmail(contact.courriel)) problems.warning('sans-courriel', `${name} : mairie sans adresse électronique, la lettre partira par courrier`, { file: contact.file, line: contact.line, field: 'courriel' });
      if (commune.population === 0) problems.warning('population-nulle', `${name} : population 0 dans le Code officiel géographique`, { field: 'population' });

      const address = townHallAddress({
        communeName: commune.nom,
        typeLiaison: commune.typeLiaison,
        mayorSex: sexe,
        complement1: contact?.complement1,
        complement2: contact?.complement2,
        street: contact?.voie,
        distribution: contact?.distribution,
        postalCode: contact?.codePostal || commune.codesPostaux[0] || '',
        locality: contact?.codePostal ? contact.localite || commune.nom : commune.nom,
      });
      for (const w of address.warnings) {
        problems.warning('adresse', `${name} : ${w}`, contact ? { file: contact.file, line: contact.line, field: 'adresse' } : { field: 'adresse' });
      }
      recipients.push({
        commune: { ...commune, deNom: withDe(commune.nom, commune.typeLiaison) },
        departement: { ...dep, deNom: depDe },
        maire: mayor && sexe ? { nom: mayor.nom, prenom: mayor.prenom, sexe, file: mayor.file, line: mayor.line } : undefined,
        contact: contact ? { courriel: contact.courriel && isValidEmail(contact.courriel) ? contact.courriel : undefined, file: contact.file, line: contact.line } : undefined,
        adresse: address.lines,
      });
    }
  }
  return { recipients, outside, mayorsRead, contactsRead };
}
