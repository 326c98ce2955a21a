import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { BIN, relaisJson } from './helpers/cli.js';
import { flat, readPdf } from './helpers/pdf.js';
import { waitFor } from './helpers/wait.js';

/**
 * `relais letters` killed in the middle (a closed terminal sends SIGHUP, an SSH session drops, the
 * machine goes down): each print file is renamed into place as soon as it is drawn, but the manifest
 * that says which letters it holds is written only once every file is drawn. Killed between the
 * two, out/lettres/37/impression-37.pdf is the new version while the manifest still describes the
 * old one.
 *
 * Here the new version no longer holds Autrèche (37009): its town hall's email address was found
 * meanwhile. The mail room prints the file it finds and posts it; `relais letters --posted --dep 37`
 * then notes posted the letters of the manifest's version — Autrèche included — and from then on
 * `relais send` gives Autrèche no email (« sa lettre a été postée : pas de courriel ») and `status`
 * counts it reached by post. Autrèche never receives anything, and every report says it did.
 *
 * A user expects `--posted` to note exactly the letters of the file that was there to print, or to
 * refuse, saying the file on disk is not the version relais recorded (an interrupted
 * `relais letters`: run it again first). Never a town hall counted reached by a letter it was not
 * sent.
 */
describe('relais letters killed after a print file was replaced, before its manifest', () => {
  it('letters --posted does not note posted a letter the print file on disk does not hold', async () => {
    const dir = await sampleWithLetters();
    const directory = join(dir, 'data', 'annuaire-mairies.json');
    const records = JSON.parse(readFileSync(directory, 'utf8')) as Array<{ code_insee_commune: string; pivot: Array<{ type_service_local: string }>; adresse_courriel: string[] }>;
    for (const r of records) {
      if (r.pivot[0]?.type_service_local !== 'mairie') continue;
      // Autrèche's email address, found since its letter went into the print file.
      if (r.code_insee_commune === '37009') r.adresse_courriel = ['mairie@autreche.example'];
      // The Loiret's print file, drawn after the Indre-et-Loire's, made long enough that the kill
      // lands while it is drawn (the window between the first rename and the manifest).
      if (r.code_insee_commune.startsWith('45')) r.adresse_courriel = [];
    }
    writeFileSync(directory, JSON.stringify(records));

    const print37 = join(dir, 'out', 'lettres', '37', 'impression-37.pdf');
    const before = statSync(print37).ino;
    const child = spawn(process.execPath, [BIN, '-C', dir, 'letters'], { env: { ...process.env, NO_COLOR: '1', RELAIS_WORKERS: '1' }, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    // The point: the new impression-37.pdf is in place (a new file renamed over the old one).
    await waitFor(() => statSync(print37).ino !== before);
    child.kill('SIGKILL');
    await exited;

    // What the mail room finds and prints: the new version, without Autrèche.
    const onDisk = flat(await readPdf(print37));
    expect(onDisk).not.toContain('Autrèche');
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'lettres', '.manifest.json'), 'utf8')) as { files: Record<string, string> };
    // (The state the kill left: the manifest still lists Autrèche in the print file.)
    expect(JSON.parse(manifest.files['37/impression-37.pdf#communes']!)).toContain('37009');

    // The file printed is posted, and the user says so.
    const posted = await relaisJson<{ postees?: { fichiers: Array<{ lettres: number }> } }>(['-C', dir, 'letters', '--posted', '--dep', '37', '--yes']);
    // Which letters the file on disk holds, relais cannot say: nothing noted, the versions it knows
    // offered by name (--posted-version), and the way to a file it describes.
    expect(posted.code, posted.stderr).toBe(1);
    expect(posted.stderr).toMatch(/rien n'est noté posté : le fichier à imprimer out\/lettres\/37\/impression-37\.pdf n'est pas la version/);
    expect(posted.stderr).toMatch(/--posted-version/);
    // Autrèche, whose letter was not posted, still gets its email.
    const send = await relaisJson<{ byPost: number; warnings: string[] }>(['-C', dir, 'send', '--commune', '37009', '--dry-run']);
    expect(send.json.warnings.join('\n'), 'Autrèche is said to have had its letter posted').not.toContain('sa lettre a été postée');
    expect(send.json.byPost).toBe(0);
  });
});
