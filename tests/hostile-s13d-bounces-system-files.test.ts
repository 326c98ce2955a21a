import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emlFolder } from '../src/bounces/files.js';
import { tempDir } from './helpers/campaign.js';

/**
 * Hostile pass s13d: `relais bounces <dossier>` now refuses a folder holding any file it does not
 * read; the README promises that « les fichiers système (desktop.ini, Thumbs.db, fichiers cachés)
 * […] sont ignorés ». Two such files are not:
 *  - `…eml:Zone.Identifier`: the agent saves the non-delivery reports from Outlook on the web into
 *    Downloads, then copies them with Windows Explorer into the campaign folder under WSL (where
 *    relais runs); Windows writes each file's « downloaded from the Internet » mark beside it, as
 *    a file of that name. One per .eml;
 *  - `Icon\r`: the file macOS writes in a folder given a custom icon.
 * Both are the system's, like desktop.ini, and hold no message. What happens: « 2 fichiers que
 * relais ne lit pas ; rien n'a été lu ni enregistré », exit 1: no bounce read, the town halls
 * whose email came back stay « envoyé » until the agent deletes files they never made (and the
 * Zone.Identifier files come back with the next copy). What a user expects: those files ignored
 * as desktop.ini is, the .eml read.
 */
describe('relais bounces on a folder with the system’s own files beside the .eml', () => {
  it('reads the .eml and ignores the Zone.Identifier and Icon files', async () => {
    const folder = join(tempDir(), 'retours');
    mkdirSync(folder);
    writeFileSync(join(folder, 'Non remis - Appel.eml'), 'From: postmaster@orleans.example\r\nSubject: Undelivered Mail\r\n\r\nx\r\n');
    writeFileSync(join(folder, 'Non remis - Appel.eml:Zone.Identifier'), '[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://outlook.office.com/\r\n');
    writeFileSync(join(folder, 'Icon\r'), '');
    const read: string[] = [];
    let error: Error | undefined;
    try {
      for await (const m of emlFolder(folder).messages()) read.push(m.ref);
    } catch (e) {
      error = e as Error;
    }
    // Now: « dossier …/retours : 2 fichiers que relais ne lit pas ; rien n'a été lu ni enregistré ».
    expect(error?.message).toBeUndefined();
    expect(read).toEqual(['Non remis - Appel.eml']);
  });
});
