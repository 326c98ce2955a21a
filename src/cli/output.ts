import pc from 'picocolors';
import type { Ora } from 'ora';

// ora and its dependencies weigh on every start, and a spinner only ever draws on a terminal.
const ora = process.stderr.isTTY ? (await import('ora')).default : undefined;

/**
 * Everything the CLI prints goes through here: human text on stdout, or with --json exactly one
 * JSON document on stdout and everything else on stderr. Colours follow NO_COLOR (picocolors),
 * spinners appear only on a terminal.
 */
export class Output {
  constructor(
    readonly json: boolean,
    /** CI is set: no spinner (read with the settings, at start). */
    private readonly ci = false,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  readonly colors = pc;

  /** Human report lines: stdout normally, stderr in --json mode (stdout is reserved for the document). */
  line(text = ''): void {
    (this.json ? this.stderr : this.stdout).write(`${text}\n`);
  }

  /** Progress and notices: always stderr. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** The same output, writing its report lines to stderr (next to a document on stdout). */
  toStderr(): Output {
    return new Output(true, this.ci, this.stdout, this.stderr);
  }

  document(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  spinner(text: string): Ora | undefined {
    // A terminal that reports no width (some pseudo-terminals) would make ora clear lines forever.
    if (!ora || !this.stderr.isTTY || this.ci || !this.stderr.columns) return undefined;
    return ora({ text, stream: this.stderr, color: 'blue', isEnabled: true }).start();
  }
}
