import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { closest } from 'fastest-levenshtein';
import { LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod';
import { RelaisError, UsageError } from '../errors.js';
import { ProblemList } from '../problems.js';
import { communeReference, normalizeDepartement, type Departement, type Region } from '../data/cog.js';
import { campaignSchema, keysAt, type CampaignConfig, type PersonConfig } from './schema.js';
import { slug } from '../text/french.js';
import { aliasLine, lineAt } from './yaml-lines.js';

export const CAMPAIGN_FILE = 'campagne.yaml';

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
}

/** The campaign's identity in the journal: its title and date, as a slug. */
export function campaignKey(campaign: Pick<Campaign, 'config'>): string {
  return slug(`${campaign.config.campagne.titre}-${campaign.config.campagne.date}`, 80);
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
  try {
    if (!(await stat(absDir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`dossier de campagne introuvable : ${dir}`);
  }
  const file = CAMPAIGN_FILE;
  let source: string;
  try {
    source = await readFile(join(absDir, file), 'utf8');
  } catch {
    problems.error('fichier-manquant', `${CAMPAIGN_FILE} introuvable dans ${dir} (créez une campagne avec « relais init <dossier> »)`, { file }, 'file');
    return { campaign: undefined, problems };
  }

  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const line = err.linePos?.[0]?.line;
      const what = err.code === 'DUPLICATE_KEY' ? 'clé en double' : 'syntaxe YAML invalide';
      problems.error('yaml', `${what} (${err.message.split('\n')[0]})`, { file, ...(line ? { line } : {}) }, 'file');
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
    problems.error('configuration', `région « ${config.region} » inconnue (code INSEE de région attendu, par exemple 24 pour Centre-Val de Loire)`, { file, field: 'region', ...lineOpt(lineAt(doc, counter, ['region'])) }, 'file');
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
        return dep.ville ?? ref.communes.get(known.chefLieu)?.nom ?? known.nom;
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

  const campaign: Campaign = { dir: absDir, config, region, departements };
  await checkFiles(campaign, doc, counter, problems);
  return { campaign, problems };
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
    if (!(await isFile(campaignPath(campaign, path)))) {
      problems.error('fichier-manquant', `fichier introuvable : ${path}`, { file: CAMPAIGN_FILE, field: at.join('.'), ...lineOpt(lineAt(doc, counter, at)) }, 'file');
    }
  }
}

/** For commands other than check: a campaign with errors stops here with the list of problems. */
export async function requireCampaign(dir: string): Promise<Campaign> {
  const { campaign, problems } = await loadCampaign(dir);
  if (!campaign || problems.hasErrors()) {
    const errors = problems.errors;
    const first = errors[0];
    throw new RelaisError(
      `la campagne contient ${errors.length} erreur${errors.length > 1 ? 's' : ''} : lancez « relais check » pour la liste complète`,
      first ? { file: first.file, ...(first.line === undefined ? {} : { line: first.line }), ...(first.field === undefined ? {} : { field: first.field }) } : {},
      { details: { errors } },
    );
  }
  return campaign;
}
