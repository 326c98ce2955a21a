import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSource, type MailSource } from '../src/bounces/files.js';
import { RelaisError } from '../src/errors.js';
import { tempDir } from './helpers/campaign.js';

/**
 * A folder of bounces holding files relais does not read (Outlook's .msg, an mbox, a message
 * saved without its .eml extension) is refused before anything is read, each file named with why:
 * never « 0 message lu » over a folder of Outlook files, never half a folder recorded.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'bounces');
// An OLE compound file: what Outlook writes when a message is saved as .msg or dragged out of it.
const OLE = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]);

async function firstError(source: MailSource): Promise<RelaisError> {
  const read: string[] = [];
  try {
    for await (const m of source.messages()) read.push(m.ref);
  } catch (err) {
    // Nothing was handed to the reader before the refusal: nothing can have been recorded.
    expect(read).toEqual([]);
    expect(err).toBeInstanceOf(RelaisError);
    return err as RelaisError;
  }
  throw new Error(`no error; read ${read.join(', ')}`);
}

describe('a folder of bounces with files relais does not read', () => {
  it('names each of them with why, reads none of the folder, and says how to export Outlook messages', async () => {
    const dir = join(tempDir(), 'retours');
    mkdirSync(dir);
    copyFileSync(join(FIXTURES, 'postfix-dsn.eml'), join(dir, 'a-postfix.eml'));
    writeFileSync(join(dir, 'Non remis.msg'), OLE);
    // Renamed by hand: still an Outlook file.
    writeFileSync(join(dir, 'renomme.eml'), OLE);
    writeFileSync(join(dir, 'boite'), 'From MAILER-DAEMON Fri Apr 10 2020\nSubject: x\n\n');
    writeFileSync(join(dir, 'retour.txt'), 'Return-Path: <>\nSubject: Undelivered\n\n');
    writeFileSync(join(dir, 'notes.pdf'), '%PDF-1.4');
    // A message of text saved under a .msg name: not Outlook's format, and not called so.
    writeFileSync(join(dir, 'texte.msg'), 'From: postmaster@prefecture.example\r\nSubject: Non remis\r\n\r\nx\r\n');
    // What systems leave in any folder, and a sub-folder: not messages, not named.
    writeFileSync(join(dir, 'desktop.ini'), '[.ShellClassInfo]');
    writeFileSync(join(dir, '.DS_Store'), 'x');
    mkdirSync(join(dir, 'traites'));
    const err = await firstError(await fileSource(dir));
    const lines = err.message.split('\n');
    expect(lines[0]).toBe(`dossier ${dir} : 6 fichiers que relais ne lit pas ; rien n'a été lu ni enregistré :`);
    expect(lines.slice(1, 7)).toEqual([
      '  Non remis.msg — message Outlook au format .msg',
      '  boite — boîte mbox : donnez-la elle-même à relais bounces, pas son dossier',
      '  notes.pdf — ni un fichier .eml ni une boîte mbox',
      '  renomme.eml — message Outlook au format .msg',
      '  retour.txt — message enregistré sans l’extension .eml : renommez-le en .eml',
      '  texte.msg — message enregistré avec l’extension .msg, mais pas au format d’Outlook : renommez-le en .eml',
    ]);
    expect(lines[7]).toMatch(/^relais lit les fichiers \.eml et les boîtes mbox, pas le format \.msg d’Outlook .*Outlook sur le web .* en \.eml.*RELAIS_IMAP_URL.*relancez la même commande\.$/);
    expect(err.message).not.toMatch(/desktop\.ini|DS_Store|traites|a-postfix/);
  });

  it('says nothing of Outlook for a folder with no Outlook file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.pdf'), '%PDF-1.4');
    const err = await firstError(await fileSource(dir));
    expect(err.message).toContain('  notes.pdf — ni un fichier .eml ni une boîte mbox');
    expect(err.message).not.toMatch(/Outlook/);
  });

  it('refuses one Outlook file given alone, as .msg or renamed .eml, instead of calling it a broken mbox', async () => {
    const dir = tempDir();
    for (const name of ['Non remis.msg', 'Non remis.eml']) {
      writeFileSync(join(dir, name), OLE);
      const err = await firstError(await fileSource(join(dir, name)));
      expect(err.message).toMatch(new RegExp(`^${join(dir, name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} est un message Outlook au format \\.msg, que relais ne lit pas ; rien n'a été enregistré\\. relais lit les fichiers \\.eml`));
    }
  });

  it('still reads a folder of .eml files, in name order', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'postfix-dsn.eml'), join(dir, 'b.eml'));
    copyFileSync(join(FIXTURES, 'exim-text.eml'), join(dir, 'a.EML'));
    writeFileSync(join(dir, 'Thumbs.db'), 'x');
    const refs: string[] = [];
    for await (const m of (await fileSource(dir)).messages()) refs.push(m.ref);
    expect(refs).toEqual(['a.EML', 'b.eml']);
  });
  it('passes over what Windows, macOS and Office leave beside the messages, and still refuses a real file', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'postfix-dsn.eml'), join(dir, 'b.eml'));
    copyFileSync(join(FIXTURES, 'exim-text.eml'), join(dir, 'a.eml'));
    // Copied from Windows to WSL or a Samba share: each downloaded file's Zone.Identifier stream.
    writeFileSync(join(dir, 'a.eml:Zone.Identifier'), '[ZoneTransfer]\r\nZoneId=3\r\n');
    writeFileSync(join(dir, 'b.eml\uf03aZone.Identifier'), '[ZoneTransfer]\r\nZoneId=3\r\n');
    // macOS's custom folder icon, as on its own disk and as an SMB share maps its carriage return.
    writeFileSync(join(dir, 'Icon\r'), '');
    writeFileSync(join(dir, 'Icon\uf00d'), '');
    // Office's lock file, beside a document someone has open.
    writeFileSync(join(dir, '~$liste des retours.xlsx'), 'x');
    writeFileSync(join(dir, '.DS_Store'), 'x');
    writeFileSync(join(dir, 'Thumbs.db'), 'x');
    writeFileSync(join(dir, 'desktop.ini'), '[.ShellClassInfo]');
    const refs: string[] = [];
    for await (const m of (await fileSource(dir)).messages()) refs.push(m.ref);
    expect(refs).toEqual(['a.eml', 'b.eml']);

    // Names alike are not a pass: a file that merely starts or ends like them is still refused.
    writeFileSync(join(dir, 'Icone.txt'), 'x');
    writeFileSync(join(dir, 'Zone.Identifier'), '[ZoneTransfer]');
    const err = await firstError(await fileSource(dir));
    expect(err.message.split('\n').slice(0, 3)).toEqual([
      `dossier ${dir} : 2 fichiers que relais ne lit pas ; rien n'a été lu ni enregistré :`,
      '  Icone.txt — ni un fichier .eml ni une boîte mbox',
      '  Zone.Identifier — ni un fichier .eml ni une boîte mbox',
    ]);
  });
});
