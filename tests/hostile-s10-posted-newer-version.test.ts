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
    expect(refused.stderr).toContain('2 lettres ajoutées après sa version n° 1 du');
    expect(refused.stderr).toContain('--yes');
    expect(refused.stderr).toContain('--posted-version');
    for (const r of gone) expect(refused.stderr).toContain(r.code_insee_commune);
    expect(existsSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'))).toBe(true);

    // The user confirms that the version with the two letters was posted.
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--yes']);
    expect(posted.code).toBe(0);
    expect(posted.stdout).toMatch(/26 lettres notées postées/);
    // What --posted says (the file accounting above it quotes the first town hall without an address).
    const said = posted.stdout.slice(posted.stdout.indexOf('Département 45'));
    for (const r of gone) expect(said, `${r.code_insee_commune} noted posted without a word, though it joined the file after its previous version`).toContain(r.code_insee_commune);
    expect(said).toMatch(/dont 2 lettres ajoutées après sa version n° 1 du .* \(24 lettres\), confirmées postées/);
  });

  it('--posted-version names the version posted: v1 posted, a letter added in v2 and one in v3 stay to print, neither noted', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const [second, third] = records.filter((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0).map((r) => r.code_insee_commune);
    // Version 1 is the sample's (24 letters); each of these town halls then loses its address.
    setTownHallEmails(dir, second!, []);
    expect((await relais(['-C', dir, 'letters', '--dep', '45'])).code).toBe(0);
    setTownHallEmails(dir, third!, []);
    const v3 = await relais(['-C', dir, '--json', 'letters', '--dep', '45']);
    const doc3 = JSON.parse(v3.stdout) as { impression: Array<{ departement: string; version: { numero: number }; versions: Array<{ numero: number; lettres: number }>; depuis: { ajoutees: Array<{ code: string; version: number }> } }> };
    const file = doc3.impression.find((p) => p.departement === '45')!;
    expect(file.version.numero).toBe(3);
    expect(file.versions.map((v) => [v.numero, v.lettres])).toEqual([[1, 24], [2, 25], [3, 26]]);
    // Both letters to print after version 1, each with the version it joined in.
    expect(file.depuis.ajoutees.map((c) => [c.code, c.version]).sort()).toEqual([[second, 2], [third, 3]]);

    // --posted names both, not only the one of version 3.
    const refused = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${second} (version n° 2)`);
    expect(refused.stderr).toContain(`${third} (version n° 3)`);
    expect(refused.stderr).toContain('--posted-version');

    // --previous said « the version before the last », which held the letter of version 2.
    const previous = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--previous']);
    expect(previous.code).toBe(2);
    expect(previous.stderr).toContain('--posted-version');

    // A version that is not there, or a number without its département (each file numbers its own): nothing noted.
    const unknown = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '9']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/n° 1 du .*24 lettres ; n° 2 du .*25 lettres ; n° 3 du .*26 lettres/);
    const everywhere = await relais(['-C', dir, 'letters', '--posted', '--posted-version', '1']);
    expect(everywhere.code).toBe(2);
    expect(everywhere.stderr).toContain('--dep');

    const posted = await relais(['-C', dir, '--json', 'letters', '--posted', '--dep', '45', '--posted-version', '1']);
    expect(posted.code, posted.stderr).toBe(0);
    const doc = JSON.parse(posted.stdout) as { postees: { nouvelles: number; fichiers: Array<{ version: number; derniere: number; lettres: number; restentAImprimer: Array<{ code: string; version: number }> }> }; impression: Array<{ departement: string; lettres: number }> };
    expect(doc.postees.nouvelles).toBe(24);
    expect(doc.postees.fichiers[0]).toMatchObject({ version: 1, derniere: 3, lettres: 24 });
    expect(doc.postees.fichiers[0]!.restentAImprimer.map((c) => [c.code, c.version]).sort()).toEqual([[second, 2], [third, 3]]);
    // The print file now holds only the two letters nobody printed, and the journal has neither.
    expect(doc.impression.find((p) => p.departement === '45')?.lettres).toBe(2);
    expect(existsSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'))).toBe(true);
    // status counts the 24 noted posted, not the two left to print; both still by post.
    const status = await relais(['-C', dir, '--json', 'status']);
    const loiret = (JSON.parse(status.stdout) as { departements: Array<{ code: string; mairies: { parCourrier: number; lettresPostees: number }; impression: boolean }> }).departements.find((d) => d.code === '45')!;
    expect(loiret.mairies).toMatchObject({ parCourrier: 26, lettresPostees: 24 });
    expect(loiret.impression).toBe(true);
  });

  it('a rewrite with the same communes keeps the version each letter joined in: --posted still asks for the letter of version 2', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const added = records.find((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0)!.code_insee_commune;
    setTownHallEmails(dir, added, []);
    expect((await relais(['-C', dir, 'letters', '--dep', '45'])).code).toBe(0);
    // A template fix: every letter drawn again, the same communes in the print file.
    const rewritten = await relais(['-C', dir, '--json', 'letters', '--dep', '45', '--force']);
    const file = (JSON.parse(rewritten.stdout) as { impression: Array<{ departement: string; ecrit: boolean; version: { numero: number } }> }).impression.find((p) => p.departement === '45')!;
    expect(file).toMatchObject({ ecrit: true, version: { numero: 3 } });
    const list = readFileSync(join(dir, 'out', 'lettres', '45', 'impression-45-ajouts.txt'), 'utf8');
    expect(list).toContain(`${added}\tajoutée en version n° 2`);

    const refused = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${added} (version n° 2)`);
    expect(existsSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'))).toBe(true);

    // Version 2 named by its date (as the manifest keeps it): its 25 letters noted, nothing left.
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'lettres', '.manifest.json'), 'utf8')) as { files: Record<string, string> };
    const history = JSON.parse(manifest.files['45/impression-45.pdf#history']!) as { versions: Array<{ n: number; date: string }> };
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', history.versions[1]!.date]);
    expect(posted.code, posted.stderr).toBe(0);
    expect(posted.stdout).toContain('25 lettres notées postées (fichier à imprimer, version n° 2 du');
    expect(existsSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'))).toBe(false);
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
