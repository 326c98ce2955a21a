import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret } from './helpers/campaign.js';
import { BIN } from './helpers/cli.js';

/**
 * `relais letters` on a machine that runs short of room (here a file-size cap, EFBIG, which relais
 * words « fichier trop grand pour ce disque »; a full disk stops it the same way). The 325 letters
 * of the Loiret (≈ 50 KB each) are all written; the print file (≈ 500 KB) is not. relais prints one
 * line, « impossible d'écrire …/impression-45.pdf : fichier trop grand pour ce disque », exit 1,
 * and nothing else: not that the 325 letters were written and are whole, not that no print file
 * exists (the mail room finds a folder of letters and may print it whole, emailed town halls
 * included), not what to do. The Ctrl-C path says it (« interrompu : N lettres écrites sur M,
 * fichiers à imprimer pas tous écrits ; relancez la même commande pour continuer »): a user
 * expects as much when the disk stops the run.
 */
describe('relais letters stopped by a full disk', () => {
  it('says what was written (the letters) and what was not (the print file), and to run it again', async () => {
    const dir = sampleLoiret();
    // The shell ignores SIGXFSZ and caps every file at 200 KB: letters fit, the print file does not.
    const run = spawnSync('sh', ['-c', `trap '' XFSZ; ulimit -f 400; exec "$0" "$@"`, process.execPath, BIN, '-C', dir, 'letters'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const folder = join(dir, 'out', 'lettres', '45');
    const letters = readdirSync(folder).filter((f) => /^45\d{3}-.*\.pdf$/.test(f));
    // The facts the message has to tell: the letters written (all 325 on this machine; counted
    // rather than assumed, the print file is drawn beside them), the print file not.
    expect(letters.length).toBeGreaterThan(0);
    expect(existsSync(join(folder, 'impression-45.pdf'))).toBe(false);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/impossible d'écrire .*impression-45\.pdf/);
    const said = run.stdout + run.stderr;
    // Now: that single line, nothing of the 325 letters written nor of what to do next.
    expect(said).toMatch(new RegExp(`${letters.length} lettres? écrites?`));
    expect(said).toMatch(/fichiers? à imprimer (pas|non) (tous )?écrits?|impression-45\.pdf (pas|non) écrit/);
    expect(said).toMatch(/relancez/);
  });
});
