import { copyFileSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { relais, ROOT } from './cli.js';
import { waitFor } from './wait.js';

const created: string[] = [];

/**
 * Folders live until the end of their test file, so that a beforeAll can share one: removed by
 * tests/helpers/per-file.ts, a setup file, run for each test file. (Not by a hook registered here:
 * the test files of a worker share this module, loaded once, and its hook would belong to the first
 * file alone.)
 */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function tempDir(prefix = 'relais-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A copy of the sample campaign (campagne.yaml, templates, data) in a temporary folder, or in `dir`. */
export function sampleCampaign(dir = tempDir()): string {
  for (const entry of ['campagne.yaml', 'templates', 'data', 'medias']) {
    try {
      cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    } catch {
      // templates/ may not exist yet.
    }
  }
  return dir;
}

/** The Loiret's campagne.yaml and data files, cut from the sample once per test file. */
let loiret: Record<string, string> | undefined;

/**
 * The sample campaign for the Loiret alone: campagne.yaml without Indre-et-Loire, and data files
 * (mayors, directory) holding the Loiret's rows only, as a préfecture's own extract would. For the
 * tests whose subject is not the campaign's size: each relais run on it reads a fifth of the
 * sample's data (check: 0.41 → 0.35 CPU-s). The sign-up exports are the sample's (region-wide).
 */
export function sampleLoiret(dir = tempDir()): string {
  sampleCampaign(dir);
  loiret ??= loiretFiles();
  for (const [path, text] of Object.entries(loiret)) writeFileSync(join(dir, path), text);
  return dir;
}

function loiretFiles(): Record<string, string> {
  const text = readFileSync(join(ROOT, 'campagne.yaml'), 'utf8');
  const yaml = text.replace(/\n {2}"37":\n(?: {4}.*\n)+/, '\n');
  if (yaml === text) throw new Error('campagne.yaml : la section du département 37 est introuvable');
  const [header, ...rows] = readFileSync(join(ROOT, 'data', 'maires.csv'), 'utf8').split('\n');
  const records = JSON.parse(readFileSync(join(ROOT, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
  return {
    'campagne.yaml': yaml,
    'data/maires.csv': [header, ...rows.filter((r) => r.startsWith('45;')), ''].join('\n'),
    'data/annuaire-mairies.json': JSON.stringify(records.filter((r) => r.code_insee_commune.startsWith('45'))),
  };
}

/** The sample campaign without its publications (dated 2020): for the tests that plan their own. */
export function sampleWithoutPublications(): string {
  const dir = sampleCampaign();
  const yaml = join(dir, 'campagne.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/\npublications:\n(?: {2}.*\n)+/, '\n'));
  return dir;
}

let lettersBuilt: Promise<string> | undefined;

/**
 * The sample campaign once `relais letters` has written its 597 letters (and their manifest) and
 * its summary sheet is drawn (kept in .relais/cache, with no journal), built
 * once per run for all test files and copied. For the tests of what comes after the letters (send,
 * run, bounces): relais finds them unchanged and does not draw them again, as on a user's second
 * run. A copy costs a fraction of drawing them; the tests of drawing the letters use sampleCampaign.
 */
export async function sampleWithLetters(dir = tempDir()): Promise<string> {
  lettersBuilt ??= buildSampleWithLetters();
  const built = await lettersBuilt;
  for (const entry of readdirSync(built)) {
    if (entry === 'out') linkTree(join(built, entry), join(dir, entry));
    else cpSync(join(built, entry), join(dir, entry), { recursive: true });
  }
  return dir;
}

/**
 * The built letters (600 PDFs, 32 MB) linked, not copied, into each test's campaign: a copy per
 * test was a fifth of a second of CPU, 70 times a run. Safe because relais never writes a file of
 * out/ in place: it writes a new one beside it and renames it over (files.ts, writeFileAtomic), which
 * leaves the fixture's file as it was; a test that means to spoil a letter writes a new file too.
 */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const [a, b] = [join(from, e.name), join(to, e.name)];
    if (e.isDirectory()) linkTree(a, b);
    else {
      try {
        linkSync(a, b);
      } catch {
        copyFileSync(a, b);
      }
    }
  }
}

async function buildSampleWithLetters(): Promise<string> {
  // Shared by the run's test files (tests/helpers/global-setup.ts); a file run without it builds its own.
  const shared = inject('sharedFixtures') as string | undefined;
  const target = shared && join(shared, 'sample-with-letters');
  if (target && existsSync(target)) return target;
  if (!shared || !target) return drawSampleLetters(tempDir());
  // One file builds it, the others wait for it: the first files of a run start together and
  // several need it (each build drew the 597 letters again, 1.7 s of CPU, twice a run).
  // The lock is a folder (mkdir is atomic); the builder leaves a note when it fails, so that
  // no waiter waits for a folder that will never come.
  const failed = join(shared, 'sample-with-letters.failed');
  const lock = join(shared, 'sample-with-letters.lock');
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
  } catch {
    // A builder whose process died without its note (killed) is not waited for until the timeout.
    const builderGone = () => {
      const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      try {
        process.kill(pid, 0);
        return false;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'ESRCH';
      }
    };
    await waitFor(() => existsSync(target) || existsSync(failed) || builderGone());
    if (!existsSync(target)) throw new Error(`la campagne d'exemple avec ses lettres n'a pas pu être construite :\n${existsSync(failed) ? readFileSync(failed, 'utf8') : 'le processus qui la construisait s’est arrêté'}`);
    return target;
  }
  try {
    // Built aside then renamed into place: a file that finds the folder finds it whole.
    renameSync(await drawSampleLetters(mkdtempSync(join(shared, 'building-'))), target);
  } catch (error) {
    writeFileSync(failed, String(error));
    throw error;
  }
  return target;
}

async function drawSampleLetters(dir: string): Promise<string> {
  const building = sampleCampaign(dir);
  const { code, stderr } = await relais(['-C', building, 'letters']);
  if (code !== 0) throw new Error(`relais letters sur la campagne d'exemple : code ${code}\n${stderr}`);
  // The summary sheet too, kept in .relais/cache as after a user's first send (media/sheet-cache.ts):
  // the first send, run or posts of each copy found none and drew it (pdfkit and the fonts, a
  // quarter of a second of CPU), some 60 times a run. Its drawing and keeping are tested on
  // campaigns of their own (media-kit.test.ts). A rehearsal draws it; its journal and other state
  // are removed, so that each copy starts with no history.
  const sheet = await relais(['-C', building, 'send', '--dry-run']);
  if (sheet.code !== 0) throw new Error(`relais send --dry-run sur la campagne d'exemple : code ${sheet.code}\n${sheet.stderr}`);
  const state = join(building, '.relais');
  for (const entry of readdirSync(state)) if (entry !== 'cache') rmSync(join(state, entry), { recursive: true, force: true });
  for (const entry of readdirSync(join(state, 'cache'))) if (!/^fiche-.*\.pdf$/.test(entry)) rmSync(join(state, 'cache', entry), { force: true });
  return building;
}

export const RNE_HEADER =
  "Code du département;Libellé du département;Code de la collectivité à statut particulier;Libellé de la collectivité à statut particulier;Code de la commune;Libellé de la commune;Nom de l'élu;Prénom de l'élu;Code sexe;Date de naissance;Code de la catégorie socio-professionnelle;Libellé de la catégorie socio-professionnelle;Date de début du mandat;Date de début de la fonction";

export function rneRow(dep: string, insee: string, commune: string, nom: string, prenom: string, sexe: string): string {
  return [dep, '', '', '', insee, commune, nom, prenom, sexe, '01/01/1960', '33', 'Cadres', '23/03/2014', '23/03/2014'].join(';');
}

export const CONTACT_HEADER = 'code_insee_commune;adresse_courriel;numero_voie;code_postal;nom_commune';

/**
 * A small campaign on the sample's campagne.yaml (Loiret and Indre-et-Loire) whose data files are
 * given as text (or bytes), so each test shows exactly the input it is about.
 */
export function campaignWith(files: { maires?: string | Buffer; mairies?: string | Buffer; yaml?: (yaml: string) => string; mairiesName?: string }): string {
  const dir = sampleCampaign();
  if (files.maires !== undefined) writeFileSync(join(dir, 'data', 'maires.csv'), files.maires);
  const path = join(dir, 'campagne.yaml');
  if (files.mairies !== undefined) {
    // The sample's town halls are a directory export; a test that gives its own file points at it.
    const name = files.mairiesName ?? 'mairies.csv';
    writeFileSync(join(dir, 'data', name), files.mairies);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^ {2}mairies: .*$/m, `  mairies: data/${name}`));
  }
  if (files.yaml) writeFileSync(path, files.yaml(readFileSync(path, 'utf8')));
  return dir;
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

/** Every file below `dir`, as absolute paths. */
export function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

/** campagne.yaml's `publications:` replaced by these entries, in this order. */
export function setPublications(dir: string, entries: Array<{ canal: string; date: string; modele?: string; texte?: string; departement?: string }>): void {
  const yaml = join(dir, 'campagne.yaml');
  const lines = entries.map((e) => `  - canal: ${e.canal}\n    date: ${e.date}\n${e.modele ? `    modele: ${e.modele}\n` : ''}${e.texte ? `    texte: ${e.texte}\n` : ''}${e.departement ? `    departement: ${e.departement}\n` : ''}`).join('');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/\npublications:\n(?: {2}.*\n)+/, `\npublications:\n${lines}`));
}

/** A record of the sample's directory (data/annuaire-mairies.json), as the tests edit it. */
export type DirectoryRecord = { code_insee_commune: string; pivot: Array<{ type_service_local: string }>; adresse_courriel: string[] };

/** A new export of the sample's directory: gives a commune's town hall these addresses, and returns those it had. */
export function setTownHallEmails(dir: string, insee: string, emails: string[]): string[] {
  const path = join(dir, 'data', 'annuaire-mairies.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as DirectoryRecord[];
  const townHall = records.find((r) => r.code_insee_commune === insee && r.pivot[0]?.type_service_local === 'mairie');
  if (!townHall) throw new Error(`pas de mairie ${insee} dans ${path}`);
  const before = townHall.adresse_courriel;
  townHall.adresse_courriel = emails;
  writeFileSync(path, JSON.stringify(records));
  return before;
}

/**
 * The sample's campagne.yaml made a campaign of Paris (région 11, département 75): its préfet, no
 * sign-up files (a figure of volunteers instead).
 */
export const PARIS_YAML = (yaml: string): string =>
  yaml
    .replace('region: 24', 'region: 11')
    .replace(/departements:\n[\s\S]*?\n\n/, 'departements:\n  "75":\n    prefet:\n      prenom: Marc\n      nom: GUILLAUME\n      genre: M\n\n')
    .replace(/ {2}inscriptions:\n(?: {4}- .*\n)+/, '')
    .replace('  date: 2020-04-10', '  date: 2020-04-10\n  volontaires: 150');

/**
 * A copy of the sample whose directory holds Orléans's record (line 2554 of
 * data/annuaire-mairies.json) as `edit` rewrites it: a hand edit gone wrong. Its folder.
 */
export function sampleWithOrleansRecord(edit: (record: string) => string): string {
  const dir = sampleCampaign();
  const path = join(dir, 'data', 'annuaire-mairies.json');
  const lines = readFileSync(path, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes('"nom":"Mairie - Orléans"'));
  if (at + 1 !== 2554) throw new Error(`la fiche d'Orléans est ligne ${at + 1}, pas 2554 : l'annuaire d'exemple a changé`);
  lines[at] = edit(lines[at]!);
  writeFileSync(path, lines.join('\n'));
  return dir;
}
