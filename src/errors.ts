/**
 * Typed errors: every command throws these, and only src/cli/main.ts turns them into an exit code.
 * Messages are French because they are shown to préfecture staff as they are.
 */
export interface Location {
  file?: string;
  line?: number;
  field?: string;
}

export class RelaisError extends Error {
  readonly exitCode: number;
  readonly location: Location;
  /** Extra data for the --json error document (e.g. the list of problems). */
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, location: Location = {}, options: { exitCode?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RelaisError';
    this.exitCode = options.exitCode ?? 1;
    this.location = location;
    this.details = options.details;
  }
}

/** Wrong use of the command line itself: exit code 2. */
export class UsageError extends RelaisError {
  constructor(message: string) {
    super(message, {}, { exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** "fichier:ligne" prefix used everywhere a problem points into a file. */
export function formatLocation(loc: Location): string {
  if (!loc.file) return '';
  return loc.line === undefined ? loc.file : `${loc.file}:${loc.line}`;
}

/**
 * What the system said, in French. Node's own text ("EACCES: permission denied, open …") is
 * English and names the system call: préfecture staff need the reason and the path.
 */
const SYSTEM_REASONS: Record<string, string> = {
  EACCES: 'accès refusé (droits insuffisants sur le fichier ou le dossier)',
  EPERM: 'opération interdite par le système',
  ENOENT: 'fichier ou dossier introuvable',
  ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
  EISDIR: "c'est un dossier, pas un fichier",
  ENOSPC: 'disque plein',
  EDQUOT: 'quota de disque dépassé',
  EROFS: 'disque en lecture seule',
  EEXIST: 'un fichier ou un dossier de ce nom existe déjà',
  ENOTEMPTY: "le dossier n'est pas vide",
  EMFILE: 'trop de fichiers ouverts à la fois',
  ENFILE: 'trop de fichiers ouverts sur le système',
  EBUSY: 'fichier occupé par un autre programme',
  ENAMETOOLONG: 'chemin trop long',
  ELOOP: 'trop de liens symboliques',
  EIO: "erreur d'entrée-sortie du disque",
  EFBIG: 'fichier trop grand pour ce disque',
  EXDEV: 'déplacement impossible entre deux disques',
  ETXTBSY: 'fichier en cours d’utilisation',
};

/**
 * SQLite's result codes (primary codes; extended ones such as SQLITE_IOERR_WRITE are read by
 * theirs). relais's one database is the campaign's journal: an error of SQLite's is the journal's.
 */
const SQLITE_REASONS: Record<string, string> = {
  SQLITE_FULL: 'disque plein (plus de place pour le journal)',
  SQLITE_IOERR: "erreur d'entrée-sortie du disque",
  SQLITE_READONLY: 'journal en lecture seule (droits, ou disque monté en lecture seule)',
  SQLITE_BUSY: 'journal occupé par un autre programme',
  SQLITE_LOCKED: 'journal verrouillé par un autre programme',
  SQLITE_CORRUPT: 'journal endommagé',
  SQLITE_NOTADB: "le fichier n'est pas un journal relais (SQLite)",
  SQLITE_CANTOPEN: 'journal impossible à ouvrir (dossier absent ou droits insuffisants)',
  SQLITE_PERM: 'accès refusé au journal',
  SQLITE_NOMEM: 'mémoire insuffisante',
};
/** The journal, as the user knows it (campaign/paths.ts's JOURNAL_FILE; not imported: paths.ts imports this module). */
const JOURNAL = '.relais/journal.sqlite';

/**
 * A write the journal's disk refused: SQLITE_FULL, or an I/O error while writing (SQLite does not
 * pass the system's reason on: ENOSPC, EFBIG past a quota and a failing medium all read « disk I/O
 * error »). Such a journal is not unreadable: there is no room to write it.
 */
export function isJournalWriteFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR_(WRITE|FSYNC|TRUNCATE|SHMSIZE|DIR_FSYNC))$/.test(code);
}

/** The French reason for an error of SQLite (the journal's), or undefined when `err` is not one. */
export function sqliteReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? code;
  // A disk that fills up during a write can also come back as an I/O error.
  if (primary === 'SQLITE_IOERR' && /full|ENOSPC/i.test((err as Error).message ?? '')) return SQLITE_REASONS.SQLITE_FULL;
  // A write refused and a failing medium read alike (isJournalWriteFailure): what they have in common is said.
  if (primary === 'SQLITE_IOERR' && isJournalWriteFailure(err)) return "écriture impossible sur le disque (disque plein, fichier trop grand pour la limite du système, ou support défaillant)";
  return SQLITE_REASONS[primary] ?? `erreur d'écriture du journal (code ${code})`;
}

/** The French reason for a Node system error or a journal (SQLite) error, or undefined when `err` is not one we know. */
export function systemReason(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  return SYSTEM_REASONS[code] ?? sqliteReason(err);
}

export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return systemReason(err) !== undefined;
}

/**
 * A system error as a RelaisError: "impossible de lire data/maires.csv : accès refusé (…)".
 * `path` is what the user knows the file as; Node's own path is used when none is given.
 */
export function systemError(err: unknown, action: string, path?: string, location: Location = {}): RelaisError {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  // SQLite names no file: its one database is the journal.
  const where = path ?? e.path ?? e.dest ?? (sqliteReason(err) ? JOURNAL : undefined);
  const reason = systemReason(err) ?? `erreur du système (${e.code ?? 'inconnue'})`;
  return new RelaisError(`impossible ${action}${where ? ` ${where}` : ''} : ${reason}`, { ...(where ? { file: where } : {}), ...location }, { cause: err });
}
