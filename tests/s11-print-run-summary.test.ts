import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp } from './servers/smtp.js';

/**
 * `relais run` rewrites the print files (check → letters → send) like `letters` does, a new
 * version when their letters change; the mail room may hold the previous version. Its summary
 * names each print file that got a new version, its number and the letters that joined it, with
 * the list beside it, as `letters` says it; an unchanged file is not said to be new. One campaign
 * for the file, its steps in order.
 */
type PrintJson = { departement: string; fichier: string; ecrit: boolean; version: { numero: number } | null; depuis: { ajoutees: Array<{ code: string; version: number | null }>; liste: string | null } | null };
type RunDoc = { impression: { nouvellesVersions: PrintJson[]; supprimes: string[] } };

let dir: string;
let in45: string[];
let in37: string;

/** A new export of the directory: these town halls lose their address. */
function dropEmails(codes: string[]): void {
  const path = join(dir, 'data', 'annuaire-mairies.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as DirectoryRecord[];
  for (const r of records) if (r.pivot[0]?.type_service_local === 'mairie' && codes.includes(r.code_insee_commune)) r.adresse_courriel = [];
  writeFileSync(path, JSON.stringify(records));
}

/** The lines a print file's report takes, its dates set aside (two commands may straddle a minute). */
const printBlock = (text: string, file: string) => {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`  ${file} : `));
  if (at < 0) return [];
  const end = lines.findIndex((l, i) => i > at && !l.startsWith('    '));
  return lines.slice(at, end < 0 ? undefined : end).map((l) => l.replace(/du \d\d\/\d\d\/\d{4} à \d\d:\d\d/g, 'du …'));
};

beforeAll(async () => {
  dir = await sampleWithLetters();
  const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
  const withEmail = (dep: string) => records.filter((r) => r.code_insee_commune.startsWith(dep) && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0 && r.code_insee_commune !== '45234').map((r) => r.code_insee_commune);
  in45 = withEmail('45').slice(0, 2);
  in37 = withEmail('37')[0]!;
});

describe('relais run names the print files it gave a new version', () => {
  it('as letters says it, the additions list included; the unchanged file is not named', async () => {
    dropEmails([in45[0]!]);
    // The same campaign beside, for letters to say what it would say of the same change.
    const twin = tempDir();
    cpSync(dir, twin, { recursive: true });
    const run = await relais(['-C', dir, 'run']);
    expect(run.code, run.stderr).toBe(0);
    const block = printBlock(run.stdout, 'out/lettres/45/impression-45.pdf');
    expect(block[0]).toMatch(/^ {2}out\/lettres\/45\/impression-45\.pdf : 25 lettres à imprimer, 50 pages, version n° 2 du …$/);
    expect(block.join('\n')).toContain(`1 lettre ajoutée (`);
    expect(block.join('\n')).toContain(`${in45[0]} en version n° 2)`);
    expect(block.at(-1)).toBe('    liste complète des lettres ajoutées : out/lettres/45/impression-45-ajouts.txt');
    // Unchanged: not said to be new (it is still listed among the files to print).
    expect(run.stdout).not.toContain('  out/lettres/37/impression-37.pdf : ');
    expect(run.stdout).toContain('à imprimer : out/lettres/37/impression-37.pdf, out/lettres/45/impression-45.pdf');

    const letters = await relais(['-C', twin, 'letters']);
    expect(letters.code, letters.stderr).toBe(0);
    expect(block).toEqual(printBlock(letters.stdout, 'out/lettres/45/impression-45.pdf'));
  });

  it('says nothing of print files when none changed; --json says none too', async () => {
    const run = await relaisJson<RunDoc>(['-C', dir, '--json', 'run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.impression).toEqual({ nouvellesVersions: [], supprimes: [] });
    const text = await relais(['-C', dir, 'run']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('à imprimer : out/lettres/37/impression-37.pdf, out/lettres/45/impression-45.pdf');
    expect(text.stdout).not.toContain('impression-45.pdf : ');
    expect(text.stdout).not.toContain('impression-37.pdf : ');
  });

  it('--json carries the same facts: number, letters joined with their version, the list', async () => {
    dropEmails([in45[1]!]);
    const run = await relaisJson<RunDoc>(['-C', dir, '--json', 'run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.impression.nouvellesVersions).toHaveLength(1);
    const file = run.json.impression.nouvellesVersions[0]!;
    expect(file).toMatchObject({ departement: '45', fichier: 'out/lettres/45/impression-45.pdf', ecrit: true, version: { numero: 3 } });
    expect(file.depuis?.ajoutees.map((a) => [a.code, a.version])).toEqual(expect.arrayContaining([[in45[0], 2], [in45[1], 3]]));
    expect(file.depuis?.liste).toBe('out/lettres/45/impression-45-ajouts.txt');
  });
});

describe('relais run, a print file rewritten before the send and another after it (an address refused for good)', () => {
  let server: Awaited<ReturnType<typeof startSmtp>> | undefined;
  afterAll(async () => server?.close());

  it('names both: the version written before the send is still this run’s', async () => {
    server = await startSmtp({ refuse: ['mairie@orleans.example'] });
    dropEmails([in37]);
    const run = await relaisJson<RunDoc>(['-C', dir, '--json', 'run', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    // The refusal makes it a failed run (exit 1); its print files are told all the same.
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('1 adresse refusée pour de bon par le serveur');
    const news = Object.fromEntries(run.json.impression.nouvellesVersions.map((p) => [p.departement, p]));
    expect(Object.keys(news).sort()).toEqual(['37', '45']);
    expect(news['37']).toMatchObject({ version: { numero: 2 } });
    expect(news['37']!.depuis?.ajoutees.map((a) => a.code)).toEqual([in37]);
    expect(news['45']).toMatchObject({ version: { numero: 4 } });
    expect(news['45']!.depuis?.ajoutees.map((a) => a.code)).toContain('45234');
  });
});
