import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { spawn } from 'node:child_process';
import { BIN, relais } from './helpers/cli.js';
import { ensureDebianPackage } from './helpers/debian.js';
import { waitFor } from './helpers/wait.js';

/** `relais letters --posted` in a pseudo-terminal (script, from util-linux), answering its question. */
async function answerOnTerminal(dir: string, reply: string): Promise<{ code: number | null; output: string }> {
  ensureDebianPackage('/usr/bin/script', 'bsdutils');
  const command = `stty cols 200 rows 40; exec ${[process.execPath, BIN, '-C', dir, 'letters', '--posted', '--dep', '45'].map((a) => `'${a}'`).join(' ')}`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', CI: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  try {
    await waitFor(() => output.includes('[o/N]'));
    child.stdin!.write(`${reply}\r`);
    return { code: await exited, output };
  } finally {
    child.kill('SIGKILL');
  }
}

/**
 * A région: the ARS runs `relais run` every morning, and each préfecture's mail room prints and
 * posts its département's print file at its own pace. The Loiret's mail room prints
 * impression-45.pdf (24 letters). Before it posts them, a new run adds two town halls to the file
 * (their address was refused, or bounced, or is gone from the new directory): « 26 lettres à
 * imprimer … 2 lettres ajoutées (Adon 45001, Aillant-sur-Milleron 45002) ». The mail room posts
 * its 24 letters and says so: `relais letters --posted --dep 45` answers « 26 lettres notées
 * postées … ces mairies ne recevront ni une seconde lettre ni de courriel » and deletes the print
 * file. Adon and Aillant-sur-Milleron get neither a letter nor an email, and nothing said so: the
 * two letters that joined the file after its previous version are not named, where `relais
 * letters` itself names them (« si elle est déjà postée, n'imprimez que leurs lettres »).
 */
describe('relais letters --posted, when the print file changed since its previous version', () => {
  it('names the letters that joined it since, and notes them posted only once the user confirms', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const gone = records.filter((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0).slice(0, 2);
    expect(gone).toHaveLength(2);
    for (const r of gone) setTownHallEmails(dir, r.code_insee_commune, []);
    const letters = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(letters.stdout).toContain('2 lettres ajoutées');

    // Without a terminal to ask on, nothing is noted: the two letters are named, with what to do,
    // and the print file that holds them stays.
    const refused = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("rien n'est noté posté");
    expect(refused.stderr).toContain('2 lettres ajoutées depuis sa version du');
    expect(refused.stderr).toContain('--yes');
    expect(refused.stderr).toContain('--previous');
    for (const r of gone) expect(refused.stderr).toContain(r.code_insee_commune);
    expect(existsSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'))).toBe(true);

    // The user confirms that the version with the two letters was posted.
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--yes']);
    expect(posted.code).toBe(0);
    expect(posted.stdout).toMatch(/26 lettres notées postées/);
    // What --posted says (the file accounting above it quotes the first town hall without an address).
    const said = posted.stdout.slice(posted.stdout.indexOf('Département 45'));
    for (const r of gone) expect(said, `${r.code_insee_commune} noted posted without a word, though it joined the file after its previous version`).toContain(r.code_insee_commune);
    expect(said).toMatch(/dont 2 lettres ajoutées depuis sa version du .* \(24 lettres\), confirmées postées/);
  });

  it('with --previous, notes the version before and keeps the letters that joined it since in the print file', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const gone = records.filter((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0).slice(0, 2);
    for (const r of gone) setTownHallEmails(dir, r.code_insee_commune, []);
    await relais(['-C', dir, 'letters', '--dep', '45']);

    const posted = await relais(['-C', dir, '--json', 'letters', '--posted', '--dep', '45', '--previous']);
    expect(posted.code).toBe(0);
    const doc = JSON.parse(posted.stdout) as { postees: { nouvelles: number; fichiers: Array<{ version: string; lettres: number; ajouteesDepuis: { communes: Array<{ code: string }> } }> }; impression: Array<{ departement: string; lettres: number }> };
    expect(doc.postees.nouvelles).toBe(24);
    expect(doc.postees.fichiers[0]).toMatchObject({ version: 'precedente', lettres: 24 });
    expect(doc.postees.fichiers[0]!.ajouteesDepuis.communes.map((c) => c.code).sort()).toEqual(gone.map((r) => r.code_insee_commune).sort());
    // The print file now holds only the two letters nobody printed.
    expect(doc.impression.find((p) => p.departement === '45')?.lettres).toBe(2);
    expect(existsSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'))).toBe(true);
  });

  it('on a terminal, asks whether the letters that joined it were posted too: « n » notes nothing, « o » notes them', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const gone = records.filter((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0).slice(0, 2);
    for (const r of gone) setTownHallEmails(dir, r.code_insee_commune, []);
    await relais(['-C', dir, 'letters', '--dep', '45']);

    const no = await answerOnTerminal(dir, 'n');
    expect(no.code).toBe(1);
    for (const r of gone) expect(no.output).toContain(r.code_insee_commune);
    expect(no.output).toContain("rien n'est noté posté");
    expect(existsSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'))).toBe(true);

    const yes = await answerOnTerminal(dir, 'o');
    expect(yes.code).toBe(0);
    expect(yes.output).toMatch(/26 lettres notées postées/);
    expect(yes.output).toMatch(/dont 2 lettres ajoutées .* confirmées postées/);
  });
});
