import type { ProblemList } from '../problems.js';
import { type Commune, type CommuneReference } from '../data/cog.js';
import { chooseEmail, mailboxKey, needsSmtputf8, withoutBlanks, type EmailChoice } from '../data/contacts.js';
import { formulaErrorMessage, isFormulaError, totalRowMessage } from '../data/columns.js';
import { csvKind } from '../data/encoding.js';
import { lineName } from '../data/table.js';
import { isRneHeader, RNE_COLUMNS, rneColumns, toMayor } from '../data/rne.js';
import { looseKey, withDe } from '../text/french.js';
import { frenchNumber } from '../text/format.js';
import { townHallAddress } from '../text/address.js';
import { newAccount, setAside, TOTAL_SET_ASIDE, type FileAccount } from './accounting.js';
import { arrondissementRow, campaignFilter, FormerCodeRows, isArrondissement, knownCode, locate } from './communes.js';
import { readContacts, startContacts, type TownHallContact } from './contacts-source.js';
import { campaignPath, type Campaign, type CampaignDepartement } from './load.js';
import { longRunBudget } from '../v8-tuning.js';
import { forEachRow, openSource, preferVisibleColumns, sourceConfig } from './sources.js';

/**
 * The join at the heart of relais: one recipient per current commune of the campaign's
 * départements, with its mayor (RNE) and its town-hall contact when known, and the postal
 * address block built from them.
 */
export interface Recipient {
  commune: Commune & { deNom: string };
  departement: CampaignDepartement & { deNom: string };
  maire: { nom: string; prenom: string; sexe: 'F' | 'M'; file: string; line: number } | undefined;
  contact: { courriel: string | undefined; telephone: string | undefined; file: string; line: number } | undefined;
  adresse: string[];
  /**
   * The other communes whose town hall has the same email address (one secretary for several
   * small communes): each gets its own email, which then names its commune. Absent when none.
   */
  partage?: Array<{ code: string; nom: string; deNom: string }>;
}

export interface JoinResult {
  recipients: Recipient[];
  /** Rows of communes outside the campaign, skipped because `hors_campagne: ignorer` (or records of another département in the directory). */
  outside: number;
  mayorsRead: number;
  contactsRead: number;
  /** One account per data file: read = used + set aside + rejected. */
  fichiers: FileAccount[];
}

const MAYORS = 'fichier des maires';

/** How a warning names a commune: « Tours (37261) ». */
const nameOf = (commune: Commune) => `${commune.nom} (${commune.code})`;

/** "Mal formée" and "sans adresse" are told apart; addresses not used are named, never dropped. */
function emailWarnings(name: string, communeName: string, contact: TownHallContact, email: EmailChoice, problems: ProblemList): void {
  const where = { file: contact.file, line: contact.line, field: 'courriel' };
  const of = contact.label ? ` (${contact.label})` : '';
  // What was put aside or taken out of the cell, said with the rest: « « old@x.fr » mise de côté : … ».
  // « mairie @adon.fr »: the address it surely is, offered, never used (nobody typed it).
  const unblanked = email.malformed.map(withoutBlanks).filter((a): a is string => a !== undefined);
  const fix = unblanked.length ? [`sans ses espaces, on lirait ${unblanked.map((a) => `« ${a} »`).join(', ')} : corrigez le fichier si c'est bien elle`] : [];
  const besides = [...(email.aside ?? []), ...(email.notes ?? []), ...fix];
  const also = besides.length ? ` ; ${besides.join(' ; ')}` : '';
  if (email.email === undefined && email.aside?.length) {
    const bad = email.malformed.length ? ` ; adresse « ${email.malformed.join(' ; ')} » mal formée${fix.length ? ` (${fix[0]})` : ''}` : '';
    problems.warning('courriel-ecarte', `fichier des mairies${of} : ${communeName} : ${[...email.aside, ...(email.notes ?? [])].join(' ; ')}${bad} : aucune autre adresse électronique, la lettre partira par courrier`, where);
  } else if (email.email === undefined && email.malformed.length === 1 && isFormulaError(email.malformed[0]!)) {
    problems.warning('courriel-invalide', `fichier des mairies${of} : ${communeName} : ${formulaErrorMessage(email.malformed[0]!, "de l'adresse électronique")} ; d'ici là, la lettre partira par courrier`, where);
  } else if (email.email === undefined && email.malformed.length > 0) {
    problems.warning('courriel-invalide', `fichier des mairies${of} : adresse électronique « ${email.malformed.join(' ; ')} » mal formée (${communeName}) : jamais utilisée, la lettre partira par courrier${also}`, where);
  } else if (email.email === undefined) {
    problems.warning('sans-courriel', `${name} : mairie sans adresse électronique, la lettre partira par courrier${also}`, where);
  } else if (email.others.length > 0 || email.malformed.length > 0) {
    const ignored = [...email.others, ...email.malformed.map((m) => `${m} (mal formée)`)];
    problems.warning('courriels-multiples', `${name}${of} : plusieurs adresses électroniques ; ${email.email} est utilisée, ${ignored.map((x) => `« ${x} »`).join(', ')} ${ignored.length > 1 ? 'ne le sont pas' : "ne l'est pas"}${also}`, where);
  } else if (email.aside?.length) {
    problems.warning('courriel-ecarte', `${name}${of} : ${email.aside.join(' ; ')} ; ${email.email} est utilisée${email.notes?.length ? ` ; ${email.notes.join(' ; ')}` : ''}`, where);
  } else if (email.notes?.length) {
    problems.warning('courriel-note', `${name}${of} : ${email.email} est utilisée ; ${email.notes.join(' ; ')}`, where);
  }
}

export async function buildRecipients(campaign: Campaign, ref: CommuneReference, problems: ProblemList, onlyDeps?: string[]): Promise<JoinResult> {
  // A national file's loops run long enough for V8 to optimise them early (v8-tuning.ts).
  const sources = [campaign.config.sources.maires, campaign.config.sources.mairies].flatMap((s) => (s ? [campaignPath(campaign, sourceConfig(s).fichier)] : []));
  const restore = longRunBudget(sources);
  try {
    return await joinRecipients(campaign, ref, problems, onlyDeps);
  } finally {
    restore();
  }
}

async function joinRecipients(campaign: Campaign, ref: CommuneReference, problems: ProblemList, onlyDeps?: string[]): Promise<JoinResult> {
  const deps = campaign.departements.filter((d) => !onlyDeps?.length || onlyDeps.includes(d.code));
  const inCampaign = new Set(campaign.departements.map((d) => d.code));
  const accept = campaignFilter(inCampaign, campaign.config.sources.hors_campagne === 'ignorer', problems);
  const fichiers: FileAccount[] = [];

  // What the recipients read of a mayor, made once: the rest of the RNE row (its département,
  // label, function, repairs) would be 35,000 rows kept for nothing until the join.
  const mayors = new Map<string, { line: number; maire: Recipient['maire'] }>();
  /** Communes whose mayor's row is struck through in Excel (set aside), with its line. */
  const struckMayors = new Map<string, number>();
  /** Communes whose mayor's only row carries a former code of theirs (rejected), with its line. */
  let formerMayors = new Map<string, number>();
  const mayorSource = sourceConfig(campaign.config.sources.maires);
  // The town halls' file recognised, and a large directory's scan going on beside the mayors'
  // reading, on a thread of its own.
  let contactsStart = startContacts(campaign);
  // Columns of other names for a field are settled by preferVisibleColumns, below.
  const mayorTable = await openSource(campaign, mayorSource, MAYORS, isRneHeader, rneColumns, problems, (field) => RNE_COLUMNS.some((s) => s.field === field));
  // A row that is missing has no line, but the file it is missing from is still named.
  const mayorsFile = mayorTable?.table.file;
  if (mayorTable) {
    const { table, columns } = mayorTable;
    // Two columns for a field (one hidden in Excel, kept from last year): the visible one, said.
    preferVisibleColumns(table, columns, MAYORS, 'maires', RNE_COLUMNS, problems);
    const account = newAccount(table.file, 'maires', `RNE (${/\.xlsx$/i.test(mayorSource.fichier) ? 'xlsx' : csvKind(table.encoding)})`);
    fichiers.push(account);
    const hasFunction = columns.indexes.has('fonction');
    const former = new FormerCodeRows();
    const NOT_MAYOR = 'pas un maire (conseiller municipal)';
    // The RNE file of all municipal councillors also works: only mayors are kept. Its function
    // column names mayors and deputies (« Premier adjoint »…) and is empty for the other
    // councillors. A file that names a function other than mayor is such a file: its rows without
    // one are councillors. A list of mayors may leave the column blank, throughout or in places:
    // its rows are mayors. Rows without a function wait until the file says which it is (and, in
    // a file that never says, until the end: see below).
    let councillors = false;
    const unnamed: Array<ReturnType<typeof toMayor>> = [];
    const known = knownCode(ref);
    const visit = (values: string[], line: number) => {
      const m = toMayor(values, line, columns.indexes, known);
      // A « Total » row has no function either: said as a total, not taken for a councillor's.
      if (!hasFunction || m.total !== undefined) return takeMayor(m);
      if (!m.fonction) {
        if (councillors) setAside(account, NOT_MAYOR);
        else unnamed.push(m);
        return;
      }
      if (looseKey(m.fonction) !== 'maire') {
        if (!councillors) {
          councillors = true;
          if (unnamed.length) setAside(account, NOT_MAYOR, unnamed.length);
          unnamed.length = 0;
        }
        setAside(account, NOT_MAYOR);
        return;
      }
      takeMayor(m);
    };
    const takeMayor = (m: ReturnType<typeof toMayor>) => {
      const line = m.line;
      const where = { file: table.file, line };
      if (m.total !== undefined) {
        // One message that names it, instead of an empty sex code and an empty INSEE code.
        problems.warning('ligne-total', totalRowMessage(MAYORS, m.total, 'un maire', m.totalCode), { ...where, field: 'Code de la commune' });
        setAside(account, TOTAL_SET_ASIDE);
        return;
      }
      let bad = false;
      const sexe = m.sexe.toUpperCase();
      if (isFormulaError(m.sexe)) {
        problems.error('erreur-formule', `${MAYORS} : ${formulaErrorMessage(m.sexe, 'du code sexe')}`, { ...where, field: 'Code sexe' });
        bad = true;
      } else if (sexe !== 'F' && sexe !== 'M') {
        problems.error('sexe-invalide', `${MAYORS} : code sexe « ${m.sexe} » invalide (F ou M attendu)`, { ...where, field: 'Code sexe' });
        bad = true;
      }
      // « Monsieur #N/A » would open the letter: a name that shows a failed formula is no name.
      if (isFormulaError(m.nom)) {
        problems.error('erreur-formule', `${MAYORS} : ${formulaErrorMessage(m.nom, "du nom de l'élu")}`, { ...where, field: "Nom de l'élu" });
        bad = true;
      } else if (!m.nom) {
        problems.error('nom-manquant', `${MAYORS} : nom de l'élu vide`, { ...where, field: "Nom de l'élu" });
        bad = true;
      }
      const prenom = isFormulaError(m.prenom) ? '' : m.prenom;
      if (prenom !== m.prenom) problems.warning('erreur-formule', `${MAYORS} : ${formulaErrorMessage(m.prenom, "du prénom de l'élu")} ; en attendant, le prénom est laissé de côté`, { ...where, field: "Prénom de l'élu" });
      for (const r of m.reparations) problems.warning('code-repare', `${MAYORS} : ${r}`, { ...where, field: 'Code de la commune' });
      if (isFormulaError(m.insee)) {
        problems.error('erreur-formule', `${MAYORS} : ${formulaErrorMessage(m.insee, 'du code de la commune')}`, { ...where, field: 'Code de la commune' });
        account.rejetes++;
        return;
      }
      const commune = locate(ref, m.insee, where, 'Code de la commune', MAYORS, problems, undefined, former);
      if (commune && isArrondissement(commune)) {
        arrondissementRow(commune, accept(commune.of, where, 'Code de la commune', MAYORS), where, 'Code de la commune', MAYORS, problems, account);
        return;
      }
      const accepted = commune ? accept(commune, where, 'Code de la commune', MAYORS) : 'erreur';
      if (!commune || accepted !== 'oui') {
        if (accepted === 'ignoree') setAside(account, 'autre département');
        else account.rejetes++;
        return;
      }
      const previous = mayors.get(commune.code);
      if (previous) {
        problems.error('commune-en-double', `${MAYORS} : ${commune.nom} (${commune.code}) apparaît deux fois (déjà ${lineName(table, previous.line)})`, { ...where, field: 'Code de la commune' });
        account.rejetes++;
        return;
      }
      // Kept even when invalid, so that the commune is not also reported "without mayor".
      mayors.set(commune.code, { line, maire: (sexe === 'F' || sexe === 'M') && !isFormulaError(m.nom) ? { nom: m.nom, prenom, sexe, file: table.file, line } : undefined });
      if (bad) account.rejetes++;
      else account.utilises++;
    };
    account.lus = await forEachRow(table, MAYORS, problems, visit, account, (values, line) => {
      // Kept to say why a commune has no mayor: « aucun maire » would be untrue.
      // A councillor's row (a function other than mayor) struck is no mayor's.
      const m = toMayor(values, line, columns.indexes);
      if (m.insee && (!m.fonction || looseKey(m.fonction) === 'maire') && !struckMayors.has(m.insee)) struckMayors.set(m.insee, line);
    });
    // Rows without a function in a file that named no deputy: a commune's mayor, unless the
    // commune has its « Maire » row (a councillor, or a row written twice: said, not taken twice).
    for (const m of unnamed) {
      const mayor = mayors.get(ref.commune(m.insee)?.code ?? m.insee);
      if (!mayor) {
        takeMayor(m);
        continue;
      }
      setAside(account, NOT_MAYOR);
      problems.warning('ligne-ecartee', `${MAYORS} : ligne sans fonction pour ${m.libelle || m.insee}, dont la ligne « Maire » est la ligne ${mayor.line} : écartée comme celle d'un conseiller municipal`, { file: table.file, line: m.line, field: 'Libellé de la fonction' });
    }
    formerMayors = former.report(problems, (code) => mayors.get(code)?.line);
    // Rows read and not one mayor of the campaign: another région's file (the sample's, kept by
    // init): every letter would open « Madame, Monsieur le Maire ». Said as the town halls' is.
    if (account.lus > 0 && mayors.size === 0 && !problems.errors.some((p) => p.file === table.file && p.scope === 'file')) {
      const covered = Object.keys(account.ecartes).length ? ` (${Object.entries(account.ecartes).map(([why, n]) => `${frenchNumber(n)} ${why}`).join(', ')})` : '';
      problems.error('aucun-maire', `${MAYORS} : aucun maire des départements de la campagne (${deps.map((d) => d.code).join(', ')}) parmi ${frenchNumber(account.lus)} lignes${covered} — est-ce le fichier du bon département ?`, { file: table.file }, 'file');
    }
  }

  const read = await readContacts(campaign, ref, problems, contactsStart);
  // Its scan's records (tens of megabytes nationally) are not kept through the join.
  contactsStart = undefined;
  const contacts = read.contacts;
  const contactsFile = read.file;
  // Refused, or stopped at an error: which communes lie past it is unknown, and said by that error.
  const contactsRefused = (read.file !== undefined && read.account === undefined) || read.incomplete === true;
  if (read.account) fichiers.push(read.account);

  const recipients: Recipient[] = [];
  // Where the warnings of a commune without a row point: made once, not per commune.
  const noMayorAt = { ...(mayorsFile ? { file: mayorsFile } : {}), field: 'maire' };
  const noContactAt = { ...(contactsFile ? { file: contactsFile } : {}), field: 'courriel' };
  for (const dep of deps) {
    // One object per département, shared by its recipients: 35,000 copies of it were garbage to collect.
    const departement = { ...dep, deNom: withDe(dep.nom, dep.typeLiaison) };
    const communes = ref.communesOf(dep.code);
    // Indexed: an iterator's result objects are garbage too, until the loop is optimised.
    for (let i = 0; i < communes.length; i++) {
      const commune = communes[i]!;
      const mayor = mayors.get(commune.code);
      const contact = contacts.get(commune.code);
      const sexe = mayor?.maire?.sexe;
      // Only the communes that are warned about are named (a thousand of 35,000 nationally).
      const struckMayor = mayor ? undefined : struckMayors.get(commune.code);
      const formerMayor = mayor || struckMayor !== undefined ? undefined : formerMayors.get(commune.code);
      if (struckMayor !== undefined) problems.warning('sans-maire', `${nameOf(commune)} : la ligne de son maire est barrée dans Excel (ligne ${struckMayor}), écartée, et aucune autre ligne ne donne son maire ; ôtez le barré s'il faut la lire`, { ...noMayorAt, line: struckMayor });
      else if (formerMayor !== undefined) problems.warning('sans-maire', `${nameOf(commune)} : la ligne de son maire (ligne ${formerMayor}) porte le code d'une ancienne commune et est rejetée, et aucune autre ligne ne donne son maire ; donnez-lui le code ${commune.code}`, { ...noMayorAt, line: formerMayor });
      else if (!mayor) problems.warning('sans-maire', `${nameOf(commune)} : aucun maire dans le fichier des maires`, noMayorAt);
      const email = contact ? chooseEmail(contact.courriels) : undefined;
      // A file named but refused (its error says why) has lines: none were read, which is no news per commune.
      if (!contact) {
        const struckLine = read.struck?.get(commune.code);
        const rejectedLine = struckLine === undefined ? read.rejected?.get(commune.code) : undefined;
        const formerLine = struckLine === undefined ? read.formerCodeRows?.get(commune.code) : undefined;
        if (struckLine !== undefined) {
          problems.warning('sans-courriel', `${nameOf(commune)} : sa ligne du fichier des mairies est barrée dans Excel (ligne ${struckLine}), écartée : la lettre partira par courrier ; ôtez le barré s'il faut la lire`, { ...noContactAt, line: struckLine });
        } else if (rejectedLine !== undefined) {
          problems.warning('sans-courriel', `${nameOf(commune)} : sa fiche du fichier des mairies (ligne ${rejectedLine}) est rejetée, pour la raison dite à cette ligne, et aucune autre ne donne sa mairie : la lettre partira par courrier, adressée au nom et au code postal de la commune ; corrigez la fiche`, { ...noContactAt, line: rejectedLine });
        } else if (formerLine !== undefined) {
          problems.warning('sans-courriel', `${nameOf(commune)} : sa ligne du fichier des mairies (ligne ${formerLine}) porte le code d'une ancienne commune et est rejetée, et aucune autre ne donne sa mairie : la lettre partira par courrier, adressée au nom et au code postal de la commune ; donnez-lui le code ${commune.code}`, { ...noContactAt, line: formerLine });
        } else if (!contactsRefused) problems.warning('sans-courriel', `${nameOf(commune)} : aucune ligne dans le fichier des mairies, la lettre partira par courrier`, noContactAt);
      } else if (email!.email === undefined && contact.courrielIllisible) {
        // Said where the record is read (contacts-source.ts), with why and what the letter does instead.
      } else if (email!.email === undefined || email!.others.length > 0 || email!.malformed.length > 0 || email!.aside || email!.notes) emailWarnings(nameOf(commune), commune.nom, contact, email!, problems);
      if (email?.email !== undefined && needsSmtputf8(email.email)) {
        problems.warning('courriel-international', `${nameOf(commune)} : adresse électronique « ${email.email} » avec un caractère accentué avant le @ : seul un serveur SMTP qui propose l'extension SMTPUTF8 (RFC 6531) peut la transmettre ; par un autre serveur, ce courriel ne part pas et la lettre de cette mairie part par courrier ; vérifiez l'adresse auprès de la mairie (souvent la même sans accent)`, { file: contact!.file, line: contact!.line, field: 'courriel' });
      }
      if (commune.population === 0) problems.warning('population-nulle', `${nameOf(commune)} : population 0 dans le Code officiel géographique`, { field: 'population' });

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
      if (address.warnings.length > 0) {
        for (const w of address.warnings) problems.warning('adresse', `${nameOf(commune)} : ${w}`, contact ? { file: contact.file, line: contact.line, field: 'adresse' } : { field: 'adresse' });
      }
      recipients.push({
        // Spelled out rather than spread: a spread copies through the slow path, 35,000 times.
        commune: { code: commune.code, nom: commune.nom, typeLiaison: commune.typeLiaison, departement: commune.departement, region: commune.region, codesPostaux: commune.codesPostaux, population: commune.population, deNom: withDe(commune.nom, commune.typeLiaison) },
        departement,
        maire: mayor?.maire,
        contact: contact ? { courriel: email?.email, telephone: contact.telephone || undefined, file: contact.file, line: contact.line } : undefined,
        adresse: address.lines,
      });
    }
  }
  sharedMailboxes(recipients, problems);
  const outside = fichiers.reduce((n, f) => n + (f.source === 'inscriptions' ? 0 : (f.ecartes['autre département'] ?? 0)), 0);
  const count = (source: string) => fichiers.find((f) => f.source === source)?.lus ?? 0;
  return { recipients, outside, mayorsRead: count('maires'), contactsRead: count('mairies'), fichiers };
}

/**
 * Town halls that share one mailbox (in rural France one secretary often keeps several small
 * communes): each gets its own email, which names its commune in its subject and text
 * (delivery/message.ts), else a mail client shows two identical messages as one conversation and
 * one is deleted as a duplicate. Said once per address, with the communes and their lines.
 */
function sharedMailboxes(recipients: Recipient[], problems: ProblemList): void {
  const byMailbox = new Map<string, Recipient[]>();
  for (const r of recipients) {
    const address = r.contact?.courriel;
    if (address === undefined) continue;
    const key = mailboxKey(address);
    const list = byMailbox.get(key);
    if (list) list.push(r);
    else byMailbox.set(key, [r]);
  }
  for (const group of byMailbox.values()) {
    if (group.length < 2) continue;
    for (const r of group) r.partage = group.filter((o) => o !== r).map((o) => ({ code: o.commune.code, nom: o.commune.nom, deNom: o.commune.deNom }));
    const first = group[0]!.contact!;
    const oneFile = group.every((r) => r.contact!.file === first.file);
    const where = (r: Recipient) => (oneFile ? `ligne ${r.contact!.line}` : `${r.contact!.file}, ligne ${r.contact!.line}`);
    const communes = group.map((r) => `${r.commune.nom} (${r.commune.code}, ${where(r)})`);
    problems.warning(
      'adresse-partagee',
      `adresse électronique ${first.courriel} partagée par ${frenchNumber(group.length)} mairies : ${communes.slice(0, -1).join(', ')} et ${communes.at(-1)} ; chacune reçoit son propre courriel, dont l'objet et le texte nomment sa commune ; si l'une d'elles a sa propre adresse, corrigez sa ligne`,
      { file: first.file, line: first.line, field: 'courriel' },
    );
  }
}
