import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RelaisError, systemError } from '../errors.js';

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

/** Every .eml file of a folder, in name order; other files are not messages. */
export function emlFolder(dir: string): MailSource {
  return {
    description: `dossier ${dir}`,
    async *messages() {
      let names: string[];
      try {
        names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.eml')).sort();
      } catch (err) {
        throw systemError(err, 'de lire le dossier', dir);
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
      yield { ref: basename(path), raw: await readFile(path) };
    },
    async close() {},
  };
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
  let head: Buffer;
  try {
    const handle = await open(path);
    try {
      const buf = Buffer.alloc(5);
      const { bytesRead } = await handle.read(buf, 0, 5, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw systemError(err, 'de lire', path);
  }
  if (head.length && head.toString('latin1') !== 'From ') {
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
