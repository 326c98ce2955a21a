import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../src/files.js';
import { tempDir } from './helpers/campaign.js';

/**
 * A file where relais expects a folder: `out` saved as a file by a script or a copy gone wrong
 * (« out » from a USB key), or out/outbox/45 left as a file. `relais track --out out/volontaires.html`
 * then says « impossible d'écrire …/out/volontaires.html : un fichier ou un dossier de ce nom existe
 * déjà », and `relais send` says the same of every …/out/outbox/45/<commune>.eml: the agent looks
 * for volontaires.html (or the .eml), finds none, and deletes nothing useful. The culprit is `out`
 * (or out/outbox/45), a file and not a folder; Node's recursive mkdir says EEXIST for it, which
 * files.ts translates without naming the path it is about. (One level deeper, as for
 * out/lettres/45/… when `out` is a file, the message is right: « un élément du chemin est un
 * fichier, pas un dossier ».) A user expects the message to name the file that is in the way and
 * to say it is a file where a folder is needed — the README: « dossier à la place d'un fichier…
 * dits en français avec le chemin concerné ».
 */
describe('a file where an output folder is expected', () => {
  it('names the file in the way, not the file relais meant to write', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'out'), 'une sauvegarde, pas un dossier\n');
    const target = join(dir, 'out', 'volontaires.html');
    const error = await writeFileAtomic(target, '<html></html>').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(existsSync(target)).toBe(false);
    // Now: « impossible d'écrire …/out/volontaires.html : un fichier ou un dossier de ce nom existe déjà ».
    expect(error!.message).not.toMatch(/existe déjà/);
    expect(error!.message).toMatch(/pas un dossier/);
    // `out` itself named, not only as the start of the path relais meant to write.
    expect(error!.message.replaceAll(target, '')).toContain(join(dir, 'out'));
  });

  it('the same for the outbox: out/outbox/45 a file, each .eml blamed', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'out', 'outbox'), { recursive: true });
    writeFileSync(join(dir, 'out', 'outbox', '45'), '');
    const target = join(dir, 'out', 'outbox', '45', '45234-orleans.eml');
    let error: Error | undefined;
    try {
      writeFileAtomicSync(target, 'From: x\r\n\r\n');
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(Error);
    // Now: « impossible d'écrire …/45/45234-orleans.eml : un fichier ou un dossier de ce nom existe déjà ».
    expect(error!.message).not.toMatch(/existe déjà/);
    expect(error!.message).toMatch(/pas un dossier/);
    expect(error!.message.replaceAll(target, '')).toContain(join(dir, 'out', 'outbox', '45'));
  });
});
