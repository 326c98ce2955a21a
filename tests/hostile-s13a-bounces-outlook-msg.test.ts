import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * Step 10 of the README guide: « un dossier de .eml exporté de la messagerie ». A préfecture runs
 * Outlook, whose « Enregistrer sous » writes non-delivery reports as .msg files (Outlook's own
 * binary format), not .eml. Given such a folder, relais says « 0 message lu dans dossier … »,
 * « 0 retour définitif enregistré » and exits 0: the files it did not read are not named. The
 * agent concludes that nothing bounced; the town halls whose email came back stay « envoyé »,
 * never join the print file, and their mayor gets no letter at all. A user expects relais to say
 * that the folder holds files it cannot read (two .msg files from Outlook) and how to export them
 * (.eml or mbox), and not to report an empty mailbox.
 */
describe('relais bounces on a folder of Outlook .msg files', () => {
  it('names the files it left unread instead of reporting « 0 message lu » and nothing else', async () => {
    const dir = sampleLoiret();
    const folder = join(dir, 'retours');
    mkdirSync(folder);
    // An OLE compound file (the signature every .msg starts with), as Outlook saves a message.
    const msg = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]);
    writeFileSync(join(folder, 'Non remis - Appel à volontaires.msg'), msg);
    writeFileSync(join(folder, 'Non remis - Appel à volontaires (2).msg'), msg);
    const r = await relais(['-C', dir, 'bounces', folder]);
    const said = r.stdout + r.stderr;
    // Now: « 0 message lu dans dossier …/retours », « 0 retour définitif enregistré », exit 0, no word of the .msg files.
    expect(said).toMatch(/\.msg|Outlook/);
    // Each file named, the reading refused (exit code 1), never an empty mailbox.
    expect(said).toContain('Non remis - Appel à volontaires.msg');
    expect(said).toContain('Non remis - Appel à volontaires (2).msg');
    expect(said).not.toMatch(/0 message lu/);
    expect(r.code).toBe(1);
  });
});
