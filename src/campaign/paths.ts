import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RelaisError } from '../errors.js';
import { slug } from '../text/french.js';
import type { SocialChannel } from './messages.js';

/**
 * Every path a campaign writes or reads back, decided here and nowhere else: the letters, the
 * print files, the outbox, the messages, the publications, the journal and the locks. A campaign
 * is a folder, so every path is under it; a name derived from data is slugged and checked to stay
 * inside its output folder. Pure: it computes paths, it never touches the disk.
 */
export const STATE_DIR = '.relais';
/** Relative to the campaign folder, as the user is told (`status`, `run`, error messages). */
export const JOURNAL_FILE = join(STATE_DIR, 'journal.sqlite');
export const LETTERS_DIR = join('out', 'lettres');
export const OUTBOX_DIR = join('out', 'outbox');
export const MESSAGES_DIR = join('out', 'messages');
export const PUBLICATIONS_DIR = join('out', 'publications');
export const MANIFEST_FILE = '.manifest.json';

/** `root/segments…`, refused when data would take it outside root (a `..`, a separator, a NUL). */
export function insideFolder(root: string, ...segments: string[]): string {
  const path = resolve(root, ...segments);
  const rel = relative(resolve(root), path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || segments.some((s) => s.includes('\0'))) {
    throw new RelaisError(`chemin refusé : ${segments.join('/')} sortirait du dossier ${root}`);
  }
  return path;
}

/** A commune's files are named `<code INSEE>-<nom>`: sortable, readable, safe. */
export function communeFileStem(commune: { code: string; nom: string }): string {
  return `${commune.code}-${slug(commune.nom)}`;
}

/** A commune letter's file name, as `status` recognises it among the print files. */
export const LETTER_FILE = /^\d[\dAB]\d{3}-.*\.pdf$/;
export const printFileName = (dep: string) => `impression-${dep}.pdf`;
export const isPrintFile = (name: string) => name.startsWith('impression-') && name.endsWith('.pdf');

export interface CampaignPaths {
  dir: string;
  state: string;
  journal: string;
  letters: string;
  /** What each letter was made from (redrawn only when it changes). */
  manifest: string;
  lettersOf(dep: string): string;
  /** `stem` is communeFileStem(commune), computed once per commune by the caller. */
  letter(dep: string, stem: string): string;
  print(dep: string): string;
  outbox: string;
  outboxMessage(dep: string, stem: string): string;
  messages: string;
  message(dep: string, channel: SocialChannel): string;
  /** A file put beside the messages of a département: the annex, the summary sheet, a medium. */
  messagesFile(dep: string, name: string): string;
  publications: string;
}

/** A name that cannot leave its folder: no separator, no leading dot (hence no `..`). */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function campaignPaths(dir: string): CampaignPaths {
  const root = resolve(dir);
  const letters = join(root, LETTERS_DIR);
  const outbox = join(root, OUTBOX_DIR);
  const messages = join(root, MESSAGES_DIR);
  // A plan asks for 35,000 letter paths in a few départements: each folder is checked once, and
  // a plain name is appended without resolving the whole path again.
  const folders = new Map<string, string>();
  const folder = (base: string, dep: string) => {
    const key = `${base}\u0000${dep}`;
    let f = folders.get(key);
    if (f === undefined) {
      f = insideFolder(base, dep);
      folders.set(key, f);
    }
    return f;
  };
  const file = (base: string, dep: string, name: string) => (PLAIN_NAME.test(name) ? `${folder(base, dep)}${sep}${name}` : insideFolder(base, dep, name));
  return {
    dir: root,
    state: join(root, STATE_DIR),
    journal: join(root, JOURNAL_FILE),
    letters,
    manifest: join(letters, MANIFEST_FILE),
    lettersOf: (dep) => folder(letters, dep),
    letter: (dep, stem) => file(letters, dep, `${stem}.pdf`),
    print: (dep) => file(letters, dep, printFileName(dep)),
    outbox,
    outboxMessage: (dep, stem) => file(outbox, dep, `${stem}.eml`),
    messages,
    message: (dep, channel) => file(messages, dep, `${channel}.txt`),
    messagesFile: (dep, name) => file(messages, dep, name),
    publications: join(root, PUBLICATIONS_DIR),
  };
}

/** The letter as the email attaches it: the town hall sees whose letter it is. */
export function letterAttachmentName(stem: string): string {
  return `lettre-${stem}.pdf`;
}
