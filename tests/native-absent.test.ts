import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_BINARY } from '../src/data/native-scan.js';
import { sampleCampaign } from './helpers/campaign.js';
import { relaisJson, ROOT } from './helpers/cli.js';

/**
 * relais installed where no C compiler built its native directory scanner (README: « sans eux,
 * relais lit l'annuaire en JavaScript ») reads a directory as relais with it does: same accounts,
 * same town halls, same warnings. And the scan started before the mayors are read opens nothing
 * that the town halls' reading would refuse.
 */

/** A copy of the installed package without build/: what `npm install` leaves on a machine without g++. */
function packageWithoutNative(): string {
  const root = mkdtempSync(join(tmpdir(), 'relais-sans-natif-'));
  mkdirSync(join(root, 'dist'));
  for (const part of ['relais', 'cog']) cpSync(join(ROOT, 'dist', part), join(root, 'dist', part), { recursive: true });
  cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

function checkWith(bin: string, dir: string): Promise<{ code: number; json: unknown }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '-C', dir, 'check', '--json'], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, json: JSON.parse(stdout) as unknown });
    });
  });
}

describe('the early scan of the town halls\' file', () => {
  it('opens no pipe given in its place: check says it is no file, and ends', async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'data', 'annuaire-mairies.json');
    rmSync(path);
    // A named pipe nobody writes to: opening it would wait for ever.
    execFileSync('mkfifo', [path]);
    const { code, json } = await relaisJson<{ errors: Array<{ message: string; file?: string }> }>(['-C', dir, 'check']);
    expect(code).toBe(1);
    expect(json.errors.map((e) => `${e.file} : ${e.message}`)).toEqual(["data/annuaire-mairies.json : fichier des mairies : ce n'est pas un fichier"]);
  });
});

describe('relais without its native directory scanner', () => {
  it('checks a national-size directory exactly as with it', async () => {
    expect(existsSync(join(ROOT, NATIVE_BINARY))).toBe(true);
    const bare = packageWithoutNative();
    expect(existsSync(join(bare, NATIVE_BINARY))).toBe(false);
    const dir = sampleCampaign();
    // The sample's town halls, then as many other services as make it a file kept in the cache (≥ 8 MB).
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as unknown[];
    const filler = JSON.stringify({ id: 'x', nom: 'Centre communal d’action sociale', pivot: [{ type_service_local: 'ccas', code_insee_commune: ['45234'] }], code_insee_commune: '45234', adresse_courriel: ['ccas@orleans.example'] });
    writeFileSync(join(dir, 'data', 'annuaire-mairies.json'), `[\n${records.map((r) => JSON.stringify(r)).join(',\n')},\n${Array.from({ length: 60_000 }, () => filler).join(',\n')}\n]\n`);

    const withNative = (await relaisJson(['-C', dir, 'check'])).json;
    const without = await checkWith(join(bare, 'bin', 'relais.js'), dir);
    expect(without.code).toBe(0);
    expect(without.json).toEqual(withNative);
    // Read again by the same relais, from the reading it kept: still the same.
    expect((await checkWith(join(bare, 'bin', 'relais.js'), dir)).json).toEqual(withNative);

    // A scanner that is there but does not load (a file cut short): read in JavaScript all the
    // same, and said, with the way to put it right.
    mkdirSync(join(bare, 'build', 'Release'), { recursive: true });
    writeFileSync(join(bare, NATIVE_BINARY), 'pas une bibliothèque');
    const broken = (await checkWith(join(bare, 'bin', 'relais.js'), dir)) as { code: number; json: { warnings: Array<{ kind: string; message: string }> } };
    expect(broken.code).toBe(0);
    const said = broken.json.warnings.filter((w) => w.kind === 'lecteur-natif');
    expect(said).toHaveLength(1);
    expect(said[0]!.message).toMatch(/^fichier des mairies : le lecteur natif de l'annuaire ne se charge pas \(.+\) : l'annuaire est lu en JavaScript, plus lentement ; reconstruisez-le avec npm run build$/);
    const { warnings, totals, ...rest } = broken.json as unknown as { warnings: unknown[]; totals: { warnings: number } };
    const { warnings: nativeWarnings, totals: nativeTotals, ...nativeRest } = withNative as unknown as { warnings: unknown[]; totals: { warnings: number } };
    expect(rest).toEqual(nativeRest);
    expect(warnings.filter((w) => !said.includes(w as (typeof said)[number]))).toEqual(nativeWarnings);
    expect(totals.warnings).toBe(nativeTotals.warnings + 1);
  });
});
