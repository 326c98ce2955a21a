import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { closest } from 'fastest-levenshtein';
import { LineCounter, parseDocument } from 'yaml';
import { config as zodConfig } from 'zod';
import type * as z from 'zod';
import { RelaisError, UsageError, systemReason } from '../errors.js';
import { ProblemList, problemCount } from '../problems.js';
import { communeReference, normalizeDepartement, type Departement, type Region } from '../data/cog.js';
import { campaignSchema, keysAt, type CampaignConfig, type PersonConfig } from './schema.js';
import { slug } from '../text/french.js';
import { frenchNumber } from '../text/format.js';
import { JOURNAL_FILE } from './paths.js';
import { aliasLine, lineAt } from './yaml-lines.js';
import { publicationLines } from './publication-lines.js';
import { checkRegionNames } from './region-names.js';

import { CAMPAIGN_FILE } from '../paths.js';
export { CAMPAIGN_FILE };

// campagne.yaml is validated once per command, and it is zod's only use: the code zod generates
// to validate faster costs more to build (a few ms at every start) than that one validation saves.
zodConfig({ jitless: true });

export interface CampaignDepartement extends Departement {
  ville: string;
  prefet: PersonConfig;
  /** Collective salutation of the letters, or null for one salutation per mayor. */
  formuleAppel: string | null;
  /** The département's own région (a national campaign spans several). */
  regionInfo: Region;
}

export interface Campaign {
  /** Absolute path of the campaign folder: every relative path of the campaign starts here. */
  dir: string;
  config: CampaignConfig;
  /** Undefined for a campaign across régions. */
  region: Region | undefined;
  departements: CampaignDepartement[];
  /**
   * Lines of campagne.yaml that checks made after loading name (`publications.0.modele` → 93):
   * plain numbers, the YAML document itself is not kept.
   */
  lines?: ReadonlyMap<string, number>;
}

/** The campaign's identity in the journal: its `identifiant`, else its title and date, as a slug. */
export function campaignKey(campaign: Pick<Campaign, 'config'>): string {
  const c = campaign.config.campagne;
  return c.identifiant !== undefined ? slug(c.identifiant, 80) : titleKey(campaign);
}

/** The name of a campaign by its title and date: the date always whole, however long the title. */
function titleKey(campaign: Pick<Campaign, 'config'>): string {
  const c = campaign.config.campagne;
  return `${slug(c.titre, 80 - c.date.length - 1)}-${slug(c.date, 20)}`;
}

/** A path of the campaign, resolved inside its folder. */
export function campaignPath(campaign: Pick<Campaign, 'dir'>, path: string): string {
  return isAbsolute(path) ? path : resolve(campaign.dir, path);
}

/** How a campaign file is named in messages: relative to the campaign folder when inside it. */
export function displayPath(campaign: Pick<Campaign, 'dir'>, path: string): string {
  const rel = relative(campaign.dir, campaignPath(campaign, path));
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** The yaml library's messages are English: each kind is said in French, with its column. */
const YAML_ERRORS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'clé en double',
  BAD_INDENT: 'indentation incohérente',
  TAB_AS_INDENT: 'tabulation dans l’indentation (seules les espaces sont permises)',
  MISSING_CHAR: 'caractère fermant manquant (guillemet, crochet ou accolade)',
  MULTILINE_IMPLICIT_KEY: 'clé sur plusieurs lignes : il manque sans doute « : » ou un guillemet fermant',
  BLOCK_AS_IMPLICIT_KEY: 'bloc employé comme clé : il manque sans doute « : »',
  UNEXPECTED_TOKEN: 'caractère inattendu',
  BAD_SCALAR_START: 'valeur qui commence par un caractère réservé (mettez-la entre guillemets)',
  BAD_DQ_ESCAPE: 'séquence d’échappement invalide entre guillemets doubles',
  BAD_ALIAS: 'alias YAML invalide',
  MULTIPLE_DOCS: 'plusieurs documents dans le fichier (--- en trop)',
  KEY_OVER_1024_CHARS: 'clé de plus de 1024 caractères',
  BLOCK_IN_FLOW: 'bloc à l’intérieur de crochets ou d’accolades',
  MULTIPLE_ANCHORS: 'plusieurs ancres sur une même valeur',
  MULTIPLE_TAGS: 'plusieurs étiquettes sur une même valeur',
  BAD_DIRECTIVE: 'directive YAML invalide',
  TAG_RESOLVE_FAILED: 'étiquette YAML inconnue',
  RESOURCE_EXHAUSTION: "trop d'alias YAML : le document se démultiplierait (limite de sécurité)",
};

function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type' && value === undefined) return 'clé obligatoire manquante';
  return issue.message;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), root);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads and validates campagne.yaml. Every problem is collected (YAML syntax, schema, unknown
 * département, missing file) so that `relais check` can show them all at once.
 */
export async function loadCampaign(dir: string): Promise<{ campaign: Campaign | undefined; problems: ProblemList }> {
  const problems = new ProblemList();
  const absDir = resolve(dir);
  let isDir: boolean;
  try {
    isDir = (await stat(absDir)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`dossier de campagne introuvable : ${dir}`);
    if (code === 'ENOTDIR') throw new UsageError(`dossier de campagne introuvable : ${dir} (un élément du chemin est un fichier)`);
    throw new RelaisError(`dossier de campagne inaccessible : ${dir} (${systemReason(err) ?? code})`, { file: dir }, { cause: err });
  }
  if (!isDir) throw new UsageError(`${dir} est un fichier, pas un dossier : -C attend le dossier de la campagne (celui qui contient ${CAMPAIGN_FILE})`);
  const file = CAMPAIGN_FILE;
  let source: string;
  try {
    source = await readFile(join(absDir, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') problems.error('fichier-manquant', `${CAMPAIGN_FILE} introuvable dans ${dir} (créez une campagne avec « relais init <dossier> »)`, { file }, 'file');
    else problems.error('fichier-illisible', `${CAMPAIGN_FILE} illisible dans ${dir} : ${systemReason(err) ?? code}`, { file }, 'file');
    return { campaign: undefined, problems };
  }
  // Line endings of every kind (a file edited on Windows, then on an old Mac) read alike.
  source = source.replace(/\r\n?/g, '\n');

  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const line = err.linePos?.[0]?.line;
      const col = err.linePos?.[0]?.col;
      // « objet: Réserve sanitaire : appel… » — French typography's « : » inside a plain value
      // starts a mapping: the value wants quotes, not one more « : ».
      const text = line ? source.split('\n')[line - 1] ?? '' : '';
      const colonInValue = (err.code === 'BLOCK_AS_IMPLICIT_KEY' || err.code === 'MULTILINE_IMPLICIT_KEY') && /^\s*[^:#"']+:\s+[^"'].*\s:(\s|$)/.test(text);
      const reason = colonInValue ? 'la valeur contient « : » suivi d’une espace (typographie française) : mettez-la entre guillemets, par exemple objet: "… : …"' : YAML_ERRORS[err.code];
      const what = err.code === 'DUPLICATE_KEY' || err.code === 'RESOURCE_EXHAUSTION' ? reason : `syntaxe YAML invalide${reason ? ` : ${reason}` : ''}`;
      problems.error('yaml', `${what}${col ? ` (colonne ${col})` : ''}`, { file, ...(line ? { line } : {}) }, 'file');
    }
    return { campaign: undefined, problems };
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    // The parser accepts an alias before its anchor, and a chain of aliases that expands to a
    // huge document (limited by yaml's maxAliasCount): both only fail when the values are built.
    const unresolved = /unresolved alias/i.test(String((err as Error)?.message ?? err));
    const line = aliasLine(doc, counter, unresolved);
    const what = unresolved ? 'alias YAML (*nom) employé avant son ancre (&nom)' : "trop d'alias YAML : le document se démultiplierait (limite de sécurité)";
    problems.error('yaml', what, { file, ...(line ? { line } : {}) }, 'file');
    return { campaign: undefined, problems };
  }
  const parsed = campaignSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path;
      if (issue.code === 'unrecognized_keys') {
        const valid = keysAt(path);
        for (const key of issue.keys) {
          const suggestion = valid.length ? closest(key, valid) : undefined;
          const line = lineAt(doc, counter, [...path, key], true);
          problems.error(
            'cle-inconnue',
            `clé inconnue « ${key} »${suggestion ? ` : vouliez-vous dire « ${suggestion} » ?` : ''}`,
            { file, field: [...path, key].join('.'), ...(line ? { line } : {}) },
            'file',
          );
        }
        continue;
      }
      const line = lineAt(doc, counter, path);
      const field = path.join('.');
      let message = issueMessage(issue, valueAt(raw, path));
      if (path[0] === 'departements' && path.length === 3 && path[2] === 'prefet' && valueAt(raw, path) === undefined) {
        message = `département ${String(path[1])} sans signataire : ajoutez « prefet: » (prénom, nom, genre)`;
      }
      problems.error('configuration', message, { file, field, ...(line ? { line } : {}) }, 'file');
    }
    return { campaign: undefined, problems };
  }

  const config = parsed.data;
  const ref = communeReference();
  const region = config.region === undefined ? undefined : ref.regions.get(normalizeDepartement(config.region));
  if (config.region !== undefined && !region) {
    // A département's code where the région's is asked (974 for La Réunion): its région named.
    const dep = ref.departements.get(normalizeDepartement(config.region));
    const of = dep ? ref.regions.get(dep.region) : undefined;
    const hint = dep && of ? `${dep.code} est le département ${dep.nom}, de la région ${of.code} (${of.nom}) : écrivez region: ${of.code}` : 'code INSEE de région attendu, par exemple 24 pour Centre-Val de Loire, 11 pour l’Île-de-France, 04 pour La Réunion';
    problems.error('configuration', `région « ${config.region} » inconnue (${hint})`, { file, field: 'region', ...lineOpt(lineAt(doc, counter, ['region'])) }, 'file');
  }
  const departements: CampaignDepartement[] = [];
  const rawDeps = (raw as { departements?: Record<string, unknown> }).departements ?? {};
  for (const [rawKey, dep] of Object.entries(config.departements)) {
    const codeDep = normalizeDepartement(rawKey);
    const where = { file, field: `departements.${rawKey}`, ...lineOpt(lineAt(doc, counter, ['departements', rawKey], true)) };
    const known = ref.departements.get(codeDep);
    if (!known) {
      problems.error('configuration', `département « ${rawKey} » inconnu`, where, 'file');
      continue;
    }
    if (region && known.region !== region.code) {
      problems.error('configuration', `le département ${known.code} (${known.nom}) n'est pas dans la région ${region.nom}`, where, 'file');
      continue;
    }
    const regionInfo = ref.regions.get(known.region) ?? { code: known.region, nom: known.region, typeLiaison: 0 };
    departements.push({
      ...known,
      // Read when a letter needs it: naming the chef-lieu loads the whole commune reference.
      get ville() {
        return dep.ville ?? ref.commune(known.chefLieu)?.nom ?? known.nom;
      },
      prefet: dep.prefet,
      formuleAppel: dep.formule_appel ?? null,
      regionInfo,
    });
  }
  if (Object.keys(rawDeps).length === 0) {
    problems.error('configuration', 'aucun département : ajoutez au moins un département sous « departements: »', { file, field: 'departements', ...lineOpt(lineAt(doc, counter, ['departements'])) }, 'file');
  }
  departements.sort((a, b) => a.code.localeCompare(b.code));
  const lines = publicationLines(config.publications ?? [], departements, (path) => lineAt(doc, counter, path), problems, file);
  if (region) checkRegionNames(config, region, ref.regions.values(), (path) => lineAt(doc, counter, path), problems, file);
  const campaign: Campaign = { dir: absDir, config, region, departements, lines };
  await checkFiles(campaign, doc, counter, problems);
  await checkJournalIdentity(campaign, doc, counter, problems);
  return { campaign, problems };
}

/**
 * The journal names the campaign by its title and date: corrected after a send, they would name
 * a campaign the journal has never seen, and every town hall would be written to again. Nothing
 * runs until campagne.yaml says which campaign this is (`identifiant`).
 */
async function checkJournalIdentity(campaign: Campaign, doc: ReturnType<typeof parseDocument>, counter: LineCounter, problems: ProblemList): Promise<void> {
  // An identifiant that is the title and date's own name declares a new campaign in this folder.
  const declared = campaign.config.campagne.identifiant;
  if (declared !== undefined && slug(declared, 80) === titleKey(campaign)) return;
  const path = join(campaign.dir, JOURNAL_FILE);
  if (!existsSync(path)) return;
  const { journalCampaigns } = await import('../delivery/journal-campaigns.js');
  let held: Awaited<ReturnType<typeof journalCampaigns>>;
  try {
    held = journalCampaigns(path);
  } catch {
    return; // An unreadable journal is said by the command that opens it, with what to do.
  }
  const key = campaignKey(campaign);
  if (held.some((h) => h.campaign === key)) return;
  const [other] = held.filter((h) => h.emails + h.posts > 0).sort((a, b) => b.emails + b.posts - (a.emails + a.posts));
  if (!other) return;
  const what = [other.emails ? `${frenchNumber(other.emails)} ${other.emails > 1 ? 'envois' : 'envoi'} (courriels, lettres postées)` : '', other.posts ? `${frenchNumber(other.posts)} ${other.posts > 1 ? 'publications' : 'publication'}` : ''].filter(Boolean).join(' et ');
  const advice = `même campagne, « identifiant: ${other.campaign} » (rien ne partira deux fois) ; nouvelle campagne dans ce dossier, « identifiant: ${titleKey(campaign)} » (ses envois seront comptés à part)`;
  // Without an identifiant the title or the date changed; with one, it is a name the journal does
  // not know (a typo of the one relais gave): either way, every town hall would be written to again.
  const [message, field] =
    declared === undefined
      ? [`le journal de ce dossier (${JOURNAL_FILE}) tient ${what} de la campagne « ${other.campaign} » et rien de « ${key} » : le titre ou la date de la campagne ont changé depuis ; ajoutez sous « campagne: » la ligne qui dit laquelle c'est — ${advice}`, 'titre']
      : [`identifiant « ${declared} » inconnu du journal de ce dossier (${JOURNAL_FILE}), qui tient ${what} de la campagne « ${other.campaign} » : ${advice}`, 'identifiant'];
  problems.error('campagne-renommee', message, { file: CAMPAIGN_FILE, field: `campagne.${field}`, ...lineOpt(lineAt(doc, counter, ['campagne', field])) }, 'file');
}

function lineOpt(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}

/** Files named in campagne.yaml (templates, attachments, fonts, images) must exist. */
async function checkFiles(campaign: Campaign, doc: ReturnType<typeof parseDocument>, counter: LineCounter, problems: ProblemList): Promise<void> {
  const c = campaign.config;
  const files: Array<{ path: string; at: PropertyKey[] }> = [];
  for (const [channel, path] of Object.entries(c.modeles ?? {})) if (path) files.push({ path, at: ['modeles', channel] });
  (c.pieces_jointes ?? []).forEach((path, i) => files.push({ path, at: ['pieces_jointes', i] }));
  for (const [k, path] of Object.entries(c.polices ?? {})) if (path) files.push({ path, at: ['polices', k] });
  if (c.logo) files.push({ path: c.logo, at: ['logo'] });
  const signatures = [
    { person: c.ars.signataire, at: ['ars', 'signataire', 'signature'] },
    ...Object.entries(c.departements).map(([k, d]) => ({ person: d.prefet, at: ['departements', k, 'prefet', 'signature'] })),
  ];
  for (const { person, at } of signatures) if (person.signature) files.push({ path: person.signature, at });
  for (const { path, at } of files) {
    const full = campaignPath(campaign, path);
    if (!(await isFile(full))) {
      const where = { file: CAMPAIGN_FILE, field: at.join('.'), ...lineOpt(lineAt(doc, counter, at)) };
      // "Not found" would be untrue for a folder: say what is there.
      const folder = await stat(full).then((s) => s.isDirectory(), () => false);
      if (folder) problems.error('fichier-illisible', `${path} est un dossier, pas un fichier : donnez le chemin du fichier`, where, 'file');
      else problems.error('fichier-manquant', `fichier introuvable : ${path}`, where, 'file');
    }
  }
}

/** For commands other than check: a campaign with errors stops here with the list of problems. */
export async function requireCampaign(dir: string): Promise<Campaign> {
  const { campaign, problems } = await loadCampaign(dir);
  if (!campaign || problems.hasErrors()) {
    const errors = problems.errors;
    const first = errors[0];
    // A single problem is said at once: one more command to learn it is one too many.
    throw new RelaisError(
      problemCount(errors) === 1 && first ? `la campagne contient 1 erreur : ${first.message}` : `la campagne contient ${frenchNumber(problemCount(errors))} erreurs : lancez « relais check » pour la liste complète`,
      first ? { file: first.file, ...(first.line === undefined ? {} : { line: first.line }), ...(first.field === undefined ? {} : { field: first.field }) } : {},
      { details: { errors } },
    );
  }
  return campaign;
}
