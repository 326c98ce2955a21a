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
