import { isAbsolute, join, relative, resolve } from 'node:path';
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
  letter(dep: string, commune: { code: string; nom: string }): string;
  print(dep: string): string;
  outbox: string;
  outboxMessage(dep: string, commune: { code: string; nom: string }): string;
  messages: string;
  message(dep: string, channel: SocialChannel): string;
  /** A file put beside the messages of a département: the annex, the summary sheet, a medium. */
  messagesFile(dep: string, name: string): string;
  publications: string;
}

export function campaignPaths(dir: string): CampaignPaths {
  const letters = join(dir, LETTERS_DIR);
  const outbox = join(dir, OUTBOX_DIR);
  const messages = join(dir, MESSAGES_DIR);
  return {
    dir,
    state: join(dir, STATE_DIR),
    journal: join(dir, JOURNAL_FILE),
    letters,
    manifest: join(letters, MANIFEST_FILE),
    lettersOf: (dep) => insideFolder(letters, dep),
    letter: (dep, commune) => insideFolder(letters, dep, `${communeFileStem(commune)}.pdf`),
    print: (dep) => insideFolder(letters, dep, printFileName(dep)),
    outbox,
    outboxMessage: (dep, commune) => insideFolder(outbox, dep, `${communeFileStem(commune)}.eml`),
    messages,
    message: (dep, channel) => insideFolder(messages, dep, `${channel}.txt`),
    messagesFile: (dep, name) => insideFolder(messages, dep, name),
    publications: join(dir, PUBLICATIONS_DIR),
  };
}

/** The letter as the email attaches it: the town hall sees whose letter it is. */
export function letterAttachmentName(commune: { code: string; nom: string }): string {
  return `lettre-${communeFileStem(commune)}.pdf`;
}
