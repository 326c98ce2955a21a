import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RelaisError, systemError } from '../errors.js';
import { fileHead } from '../files.js';

/**
 * Where bounces are read from: a mailbox over IMAP (imap.ts), a folder of .eml files, or an mbox
 * file. A source yields messages one at a time, so that a mailbox of any size is read in constant
 * memory; only IMAP can move what was handled.
 */
export interface MailMessage {
  /** How the user finds the message again: a file name, "mbox #12", "IMAP UID 345". */
  ref: string;
  raw: Buffer;
}

/**
 * How a source's error ends when it happens before anything is recorded; processBounces replaces
 * it with what was recorded when the source fails part-way (a server cut in the middle).
 */
export const NOTHING_CHANGED = ' — rien n’a été modifié ; relancez la même commande quand le serveur répond';

export interface MailSource {
  description: string;
  messages(): AsyncIterable<MailMessage>;
  /** Moves the handled messages to the processed folder (IMAP with a folder to move to); returns how many. */
  moveHandled?(refs: string[]): Promise<number>;
  close(): Promise<void>;
}

/** The signature of an OLE compound file: an Outlook item saved as .msg (or dragged out of Outlook). */
const OLE = Buffer.from('d0cf11e0a1b11ae1', 'hex');
/**
 * Files a folder of any system may hold that are no one's message, left aside without a word:
 * hidden files (.DS_Store, macOS's ._ companions), Windows's Thumbs.db and desktop.ini, Office's
 * lock files (~$…), macOS's custom folder icon (« Icon » and a carriage return, or U+F00D in its
 * place on an SMB share), and the Zone.Identifier stream Windows attaches to a downloaded file,
 * which becomes a file of its own once copied to WSL or a Samba share (« x.eml:Zone.Identifier »,
 * U+F03A in place of the colon under macOS's SMB mapping). A real file relais does not read is
 * still named and refused.
 */
const SYSTEM_FILE = /^(?:\..*|thumbs\.db|desktop\.ini|ehthumbs\.db|~\$.*|icon[\r\uf00d]|.+[:\uf03a]zone\.identifier)$/i;

/** What to do with Outlook's .msg files, said once under the files it names. */
const OUTLOOK_ADVICE =
  'relais lit les fichiers .eml et les boîtes mbox, pas le format .msg d’Outlook (celui d’un message glissé hors d’Outlook ou enregistré par Outlook pour Windows) : ' +
  'enregistrez les retours au format .eml (Outlook sur le web et le nouvel Outlook pour Windows enregistrent un message en .eml ; Thunderbird aussi, quand on glisse les messages dans un dossier), ' +
  'ou faites lire la boîte elle-même par IMAP (RELAIS_IMAP_URL)';

async function headOf(path: string, length = 256): Promise<Buffer> {
  try {
    return await fileHead(path, length);
  } catch (err) {
    throw systemError(err, 'de lire', path);
  }
}

const isOutlook = (head: Buffer) => head.subarray(0, OLE.length).equals(OLE);
/** Text that starts as an mbox (« From ») or as a message's headers: what a file of text holds. */
const isMboxText = (head: Buffer) => head.toString('latin1').startsWith('From ');
const isMessageText = (head: Buffer) => /^[A-Za-z][A-Za-z0-9-]*:/.test(head.toString('latin1'));
/** Outlook's own format, by its signature, or a .msg name over bytes that are not text (a message of text under a .msg name is no Outlook file). */
const isOutlookFile = (name: string, head: Buffer) => isOutlook(head) || (name.toLowerCase().endsWith('.msg') && !isMboxText(head) && !isMessageText(head));

/**
 * Why a file of a folder of bounces is not read, or null when it is (a .eml file). Said to the
 * user beside its name: a file left unread is never passed over in silence.
 */
function whyUnread(name: string, head: Buffer): string | null {
  if (isOutlook(head)) return 'message Outlook au format .msg';
  if (name.toLowerCase().endsWith('.eml')) return null;
  if (isOutlookFile(name, head)) return 'fichier .msg d’Outlook';
  if (isMboxText(head)) return 'boîte mbox : donnez-la elle-même à relais bounces, pas son dossier';
  if (isMessageText(head)) return name.toLowerCase().endsWith('.msg') ? 'message enregistré avec l’extension .msg, mais pas au format d’Outlook : renommez-le en .eml' : 'message enregistré sans l’extension .eml : renommez-le en .eml';
  return 'ni un fichier .eml ni une boîte mbox';
}

/**
 * Every .eml file of a folder, in name order. Every other file is named with why before anything
 * is read (a folder of Outlook .msg files is not an empty mailbox): the reading stops there, nothing
 * recorded, and the user exports them again or takes them out.
 */
export function emlFolder(dir: string): MailSource {
  return {
    description: `dossier ${dir}`,
    async *messages() {
      let names: string[];
      try {
        names = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.isDirectory() && !SYSTEM_FILE.test(e.name)).map((e) => e.name).sort();
      } catch (err) {
        throw systemError(err, 'de lire le dossier', dir);
      }
      const unread: Array<{ name: string; why: string }> = [];
      for (const name of names) {
        const why = whyUnread(name, await headOf(join(dir, name)));
        if (why) unread.push({ name, why });
      }
      if (unread.length) {
        const outlook = unread.some((u) => /Outlook/.test(u.why));
        const count = unread.length > 1 ? `${unread.length} fichiers que relais ne lit pas` : 'un fichier que relais ne lit pas';
        throw new RelaisError(
          `dossier ${dir} : ${count} ; rien n'a été lu ni enregistré :\n${unread.map((u) => `  ${u.name} — ${u.why}`).join('\n')}\n` +
            `${outlook ? `${OUTLOOK_ADVICE}. ` : ''}Ne laissez dans le dossier que les retours en .eml, puis relancez la même commande.`,
          { file: dir },
        );
      }
      for (const name of names) yield { ref: name, raw: await readFile(join(dir, name)) };
    },
    async close() {},
  };
}

export function emlFile(path: string): MailSource {
  return {
    description: `fichier ${path}`,
    async *messages() {
      if (isOutlook(await headOf(path))) throw outlookFile(path);
      yield { ref: basename(path), raw: await readFile(path) };
    },
    async close() {},
  };
}

function outlookFile(path: string): RelaisError {
  return new RelaisError(`${path} est un message Outlook au format .msg, que relais ne lit pas ; rien n'a été enregistré. ${OUTLOOK_ADVICE}.`, { file: path });
}

/**
 * An mbox file (mboxo or mboxrd, as Thunderbird, mutt or a server's export write them): each
 * message starts with a "From " line after an empty line; ">From " lines are unquoted. Read in
 * chunks as latin1, which keeps every byte as it is.
 */
export function mboxFile(path: string): MailSource {
  return {
    description: `fichier mbox ${path}`,
    async *messages() {
      await checkMbox(path);
      let pending = '';
      let index = 0;
      const emit = (text: string): MailMessage => {
        const body = text.slice(text.indexOf('\n') + 1).replace(/^>(>*From )/gm, '$1');
        return { ref: `mbox n° ${++index}`, raw: Buffer.from(body, 'latin1') };
      };
      let searchFrom = 1;
      for await (const chunk of createReadStream(path)) {
        pending += (chunk as Buffer).toString('latin1');
        for (;;) {
          const at = separator(pending, searchFrom);
          if (at < 0) {
            searchFrom = Math.max(1, pending.length - 8);
            break;
          }
          yield emit(pending.slice(0, at));
          pending = pending.slice(at + 1);
          searchFrom = 1;
        }
      }
      if (pending.trim()) yield emit(pending.replace(/\r?\n$/, ''));
    },
    async close() {},
  };
}

/** The position of the "\n" that ends the empty line before the next "From " line, or -1. */
function separator(text: string, from: number): number {
  for (let i = text.indexOf('\nFrom ', from); i >= 0; i = text.indexOf('\nFrom ', i + 1)) {
    if (text[i - 1] === '\n' || (text[i - 1] === '\r' && text[i - 2] === '\n')) return i;
  }
  return -1;
}

/** An empty file is an empty mailbox; anything else must start like an mbox. */
async function checkMbox(path: string): Promise<void> {
  const head = await headOf(path);
  if (isOutlookFile(path, head)) throw outlookFile(path);
  if (head.length && !isMboxText(head)) {
    throw new RelaisError(`${path} n'est pas une boîte mbox (elle commencerait par une ligne « From ») : donnez un fichier mbox, un dossier de fichiers .eml ou un fichier .eml`, { file: path });
  }
}

/** The source a path names: a folder of .eml, one .eml file, or an mbox. */
export async function fileSource(path: string): Promise<MailSource> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw systemError(err, 'de lire', path);
  }
  if (info.isDirectory()) return emlFolder(path);
  if (path.toLowerCase().endsWith('.eml')) return emlFile(path);
  return mboxFile(path);
}
