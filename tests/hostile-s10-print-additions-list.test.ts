import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais, type RunResult } from './helpers/cli.js';

/**
 * The mail room of a région has posted the print files. Then a relay refuses 2 109 addresses
 * (or a few hundred bounce): `relais letters` rewrites the print files and says, for the Gers,
 * « depuis la version du … (39 lettres) : 265 lettres ajoutées (Larressingle 32194, … et 255
 * autres) ; si elle est déjà postée, n'imprimez que leurs lettres : out/lettres/32/32194-….pdf, …
 * (ten paths)… ». The version is posted: the mail room must print those 265 letters and only
 * them, and is given ten. The other 255 are nowhere in the report, and nothing says where to find
 * them (`--json` has them). Shown here with 11 town halls of the Loiret that lost their address.
 */
describe('relais letters, when more than ten letters joined a print file already posted', () => {
  let dir: string;
  let loiret: DirectoryRecord[];
  let run: RunResult;
  beforeAll(async () => {
    dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    loiret = records.filter((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0).slice(0, 11);
    for (const r of loiret) setTownHallEmails(dir, r.code_insee_commune, []);
    run = await relais(['-C', dir, 'letters', '--dep', '45']);
  });

  it('gives the mail room every letter to print, or says where the whole list is', () => {
    expect(loiret).toHaveLength(11);
    const { code, stdout } = run;
    expect(code).toBe(0);
    expect(stdout).toContain('11 lettres ajoutées');
    expect(stdout).toContain("n'imprimez que leurs lettres");
    const paths = [...stdout.matchAll(/out\/lettres\/45\/45\d{3}-[a-z0-9-]+\.pdf/g)].map((m) => m[0]);
    const missing = loiret.filter((r) => !paths.some((p) => p.startsWith(`out/lettres/45/${r.code_insee_commune}-`)));
    // It used to list ten paths, then « … »: the eleventh letter to print is named nowhere.
    if (missing.length) expect(stdout, `${missing.map((r) => r.code_insee_commune).join(', ')} to print, named nowhere`).toMatch(/--json|liste complète/);
  });

  it('writes every letter added in a list beside the print file, and says where', () => {
    expect(run.stdout).toContain('liste complète des lettres ajoutées : out/lettres/45/impression-45-ajouts.txt');
    const list = readFileSync(join(dir, 'out', 'lettres', '45', 'impression-45-ajouts.txt'), 'utf8');
    expect(list).toContain('11 lettres ajoutées');
    for (const r of loiret) expect(list).toMatch(new RegExp(`^out/lettres/45/${r.code_insee_commune}-[a-z0-9-]+\\.pdf\t`, 'm'));
  });

  it('writes « et 1 autre », not « et 1 autres », after the ten names', () => {
    // text/format.ts namedList: « Artenay 45008, Andonville 45005 et 1 autres ».
    expect(run.stdout).toMatch(/lettres ajoutées \(/);
    expect(run.stdout).not.toMatch(/\bet 1 autres\b/);
  });
});
