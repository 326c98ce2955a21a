import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ROOT } from './cli.js';

const created: string[] = [];

// Folders live until the end of their test file, so that a beforeAll can share one.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

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
