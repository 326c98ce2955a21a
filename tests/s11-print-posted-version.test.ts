import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp } from './servers/smtp.js';

/**
 * The Loiret's print file, impression-45.pdf, and the versions the mail room names with
 * `letters --posted --posted-version`. Version 1 is the sample's (24 town halls without email).
 * Then a new directory export gives each of those 24 an address and takes Adon's away: version 2
 * holds Adon alone; another takes a second town hall's away: version 3, two letters. The 24 letters
 * of version 1 have all left the file and send reached their town halls: noting that version posted
 * notes nothing, and must change nothing (its versions go on as they were), saying so. (A letter
 * that left the file without an email yet is noted with its version: hostile-s11b-posted-version-
 * removed.) One campaign for the whole file, its steps in order.
 */
const PRINT = 'out/lettres/45/impression-45.pdf';
type Versions = { numero: number; date: string | null; lettres: number };
type LettersDoc = { impression: Array<{ departement: string; version: { numero: number } | null; versions: Versions[] }> };
type StatusDoc = { departements: Array<{ code: string; mairies: { lettresPostees: number } | null }> };

let dir: string;
const manifestPath = () => join(dir, 'out', 'lettres', '.manifest.json');
const readManifest = () => readFileSync(manifestPath(), 'utf8');
const postedIn45 = async () => {
  const status = await relais(['-C', dir, '--json', 'status']);
  return (JSON.parse(status.stdout) as StatusDoc).departements.find((d) => d.code === '45')!.mairies!.lettresPostees;
};
let adon: string;
let second: string;
let third: string;
let server: Awaited<ReturnType<typeof startSmtp>> | undefined;
afterAll(async () => server?.close());

/** A new export of the directory: these town halls' addresses set, in one write. */
function setEmails(emails: Record<string, string[]>): void {
  const path = join(dir, 'data', 'annuaire-mairies.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as DirectoryRecord[];
  for (const r of records) if (r.pivot[0]?.type_service_local === 'mairie' && emails[r.code_insee_commune]) r.adresse_courriel = emails[r.code_insee_commune]!;
  writeFileSync(path, JSON.stringify(records));
}

beforeAll(async () => {
  dir = await sampleWithLetters();
  const files = (JSON.parse(readManifest()) as { files: Record<string, string> }).files;
  const first = JSON.parse(files['45/impression-45.pdf#communes']!) as string[];
  expect(first).toHaveLength(24);
  const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
  [adon, second, third] = records.filter((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0 && !first.includes(r.code_insee_commune)).map((r) => r.code_insee_commune) as [string, string, string];
  setEmails({ ...Object.fromEntries(first.map((c) => [c, [`mairie-${c}@example.fr`]])), [adon]: [] });
  const v2 = await relais(['-C', dir, 'letters', '--dep', '45']);
  expect(v2.stdout, v2.stderr).toContain('version n° 2');
  setEmails({ [second]: [] });
  const v3 = await relais(['-C', dir, 'letters', '--dep', '45']);
  expect(v3.stdout, v3.stderr).toContain('version n° 3');
  // Version 1's town halls reached by email: none of its letters is left to note posted.
  server = await startSmtp();
  const send = await relais(['-C', dir, 'send', '--yes', ...first.flatMap((c) => ['--commune', c])], { env: { RELAIS_SMTP_URL: server.url } });
  expect(send.code, send.stderr).toBe(0);
  expect(server.received).toHaveLength(24);
});

describe('letters --posted --posted-version, told truly', () => {
  it('a version none of whose letters is left in the file: nothing noted, nothing changed, said with the file and the version', async () => {
    const before = readManifest();
    const r = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '1']);
    // The campaign's state, not the command line, makes it note nothing: a data problem.
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("--posted-version 1 : rien n'est noté posté, rien ne change : des 24 lettres de la version n° 1 du ");
    expect(r.stderr).toContain(`du fichier à imprimer ${PRINT}, aucune ne reste à noter postée : toutes en sont sorties depuis`);
    expect(r.stderr).toContain('Les 2 lettres ajoutées au fichier après cette version restent à imprimer.');
    expect(r.stderr).not.toContain('erreur inattendue');
    expect(readManifest()).toBe(before);
    expect(existsSync(join(dir, PRINT))).toBe(true);
    expect(await postedIn45()).toBe(0);
    // Its versions go on as they were: the next letters finds version 3, not a new series.
    const again = await relais(['-C', dir, '--json', 'letters', '--dep', '45']);
    const file = (JSON.parse(again.stdout) as LettersDoc).impression.find((p) => p.departement === '45')!;
    expect(file.version?.numero).toBe(3);
    expect(file.versions.map((v) => v.numero)).toEqual([1, 2, 3]);
  });

  it('a version that never was is named with those there are', async () => {
    const r = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`--posted-version 9 : le fichier à imprimer ${PRINT} n'a pas de version n° 9 ; versions de ce fichier depuis son dernier --posted : n° 1 du .*, 24 lettres ; n° 2 du .*, 1 lettre ; n° 3 du .*, 2 lettres`));
    // Numbers start at 1: a « 0 » is of no series, closed or not.
    const zero = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain(`--posted-version 0 : le fichier à imprimer ${PRINT} n'a pas de version n° 0 ;`);
    const word = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', 'hier']);
    expect(word.code).toBe(2);
    expect(word.stderr).toContain(`--posted-version hier : le fichier à imprimer ${PRINT} n'a pas de version à cette date (un numéro, « 3 », ou une date comme relais letters la montre`);
  });

  it('a date two versions have asks for the number, naming both', async () => {
    // Two rewrites in the same minute (a run, then letters): versions 2 and 3 share their date.
    const manifest = JSON.parse(readManifest()) as { files: Record<string, string> };
    const history = JSON.parse(manifest.files['45/impression-45.pdf#history']!) as { versions: Array<{ n: number; date: string }> };
    history.versions[1]!.date = history.versions[2]!.date = '2026-11-30T09:15:20.000Z';
    manifest.files['45/impression-45.pdf#history'] = JSON.stringify(history);
    writeFileSync(manifestPath(), JSON.stringify(manifest));
    const r = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '30/11/2026 à 10:15']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--posted-version 30/11/2026 à 10:15 : 2 versions du fichier à imprimer ${PRINT} ont cette date (n° 2 du 30/11/2026 à 10:15, 1 lettre ; n° 3 du 30/11/2026 à 10:15, 2 lettres) : nommez celle qui a été postée par son numéro`);
    expect(await postedIn45()).toBe(0);
  });

  it("a version of another département's file is said to be that file's", async () => {
    const r = await relais(['-C', dir, 'letters', '--posted', '--dep', '37', '--posted-version', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--posted-version 3 : le fichier à imprimer du département 37 (out/lettres/37/impression-37.pdf) n'a pas de version n° 3 ; ce numéro est celui d'une version du fichier du département 45 (out/lettres/45/impression-45.pdf) : pour lui, « relais letters --posted --dep 45 --posted-version 3 »");
  });

  it('after a version is noted posted, an earlier number is of a closed series; an emptied file numbers on', async () => {
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '2']);
    expect(posted.code, posted.stderr).toBe(0);
    expect(posted.stdout).toContain('1 lettre notée postée (fichier à imprimer, version n° 2 du 30/11/2026 à 10:15 ; la dernière est la n° 3)');
    expect(posted.stdout).toContain(`reste à imprimer et à poster : `);
    expect(posted.stdout).toContain(second);
    expect(posted.stdout).toContain('version n° 4');
    expect(await postedIn45()).toBe(1);

    const closed = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '2']);
    expect(closed.code).toBe(2);
    expect(closed.stderr).toContain(`--posted-version 2 : la version n° 2 du fichier à imprimer ${PRINT} n'est plus en attente : elle précède sa série de versions en cours, commencée à la n° 4`);
    // Number 1 is of the closed series here, and the Indre-et-Loire's file has one: both said.
    const both = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(`la version n° 1 du fichier à imprimer ${PRINT} n'est plus en attente`);
    expect(both.stderr).toContain("ce numéro est celui d'une version du fichier du département 37 (out/lettres/37/impression-37.pdf) : pour lui, « relais letters --posted --dep 37 --posted-version 1 »");
    expect(await postedIn45()).toBe(1);

    // The last letter posted: the file is removed; a town hall losing its address later starts a
    // new file whose first version is n° 5, never a second « n° 1 ».
    const all = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    expect(all.code, all.stderr).toBe(0);
    expect(existsSync(join(dir, PRINT))).toBe(false);
    expect(await postedIn45()).toBe(2);
    setEmails({ [third]: [] });
    const next = await relais(['-C', dir, '--json', 'letters', '--dep', '45']);
    const file = (JSON.parse(next.stdout) as LettersDoc).impression.find((p) => p.departement === '45')!;
    expect(file.version?.numero).toBe(5);
    expect(file.versions.map((v) => v.numero)).toEqual([5]);
  });
});

describe('letters --posted when every letter of the print file was emailed since it was written', () => {
  let server: Awaited<ReturnType<typeof startSmtp>> | undefined;
  afterAll(async () => server?.close());

  it('notes nothing and ends no series of versions, saying why', async () => {
    const own = await sampleWithLetters();
    const files = (JSON.parse(readFileSync(join(own, 'out', 'lettres', '.manifest.json'), 'utf8')) as { files: Record<string, string> }).files;
    const first = JSON.parse(files['45/impression-45.pdf#communes']!) as string[];
    // A new export gives the 24 town halls an address, and send reaches them before letters runs again.
    const path = join(own, 'data', 'annuaire-mairies.json');
    const records = JSON.parse(readFileSync(path, 'utf8')) as DirectoryRecord[];
    for (const r of records) if (r.pivot[0]?.type_service_local === 'mairie' && first.includes(r.code_insee_commune)) r.adresse_courriel = [`mairie-${r.code_insee_commune}@example.fr`];
    writeFileSync(path, JSON.stringify(records));
    server = await startSmtp();
    const send = await relais(['-C', own, 'send', '--yes', ...first.flatMap((c) => ['--commune', c])], { env: { RELAIS_SMTP_URL: server.url } });
    expect(send.code, send.stderr).toBe(0);
    expect(server.received).toHaveLength(24);
    const manifest = readFileSync(join(own, 'out', 'lettres', '.manifest.json'), 'utf8');

    const r = await relais(['-C', own, 'letters', '--posted', '--dep', '45']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/rien n'est noté posté, rien ne change : les lettres du fichier à imprimer out\/lettres\/45\/impression-45\.pdf \(version n° 1 du .*, 24 lettres\) sont toutes déjà notées postées ou atteintes par courriel depuis qu'il a été écrit/);
    expect(readFileSync(join(own, 'out', 'lettres', '.manifest.json'), 'utf8')).toBe(manifest);
    const status = await relais(['-C', own, '--json', 'status']);
    expect((JSON.parse(status.stdout) as StatusDoc).departements.find((d) => d.code === '45')!.mairies!.lettresPostees).toBe(0);
  });
});
