import pc from 'picocolors';

/** What a command does with a spinner: change its text, stop it. */
export interface Spinner {
  text: string;
  stop(): void;
}

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const CLEAR_LINE = '\r\u001b[K';

/**
 * One line on a terminal, redrawn every 80 ms while the event loop is free, erased at stop; cut to
 * the terminal's width, so that clearing one line always clears it all. What relais used of ora,
 * without its twenty modules (loaded at every start on a terminal: a few hundredths of a second).
 */
class TerminalSpinner implements Spinner {
  private frame = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly restore = () => this.stream.write(SHOW_CURSOR);

  constructor(
    private current: string,
    private readonly stream: NodeJS.WriteStream,
    private readonly colour: (s: string) => string,
  ) {
    stream.write(HIDE_CURSOR);
    // A run that ends without stop (an exception on its way out) must not leave the cursor hidden.
    process.once('exit', this.restore);
    this.draw();
    this.timer = setInterval(() => this.draw(), 80);
  }

  get text(): string {
    return this.current;
  }

  set text(value: string) {
    this.current = value;
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    process.removeListener('exit', this.restore);
    this.stream.write(`${CLEAR_LINE}${SHOW_CURSOR}`);
  }

  private draw(): void {
    const frame = FRAMES[this.frame++ % FRAMES.length]!;
    // Two columns for the frame and its space, one left free: a full line would wrap on some terminals.
    const room = Math.max(0, (this.stream.columns ?? 80) - 3);
    const text = this.current.length > room ? `${this.current.slice(0, Math.max(0, room - 1)).trimEnd()}…` : this.current;
    this.stream.write(`${CLEAR_LINE}${this.colour(frame)} ${text}`);
  }
}

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

  /** Lines held by hold(), written at once by release(). */
  private held: string[] | undefined;

  /** Human report lines: stdout normally, stderr in --json mode (stdout is reserved for the document). */
  line(text = ''): void {
    if (this.held) this.held.push(text);
    else (this.json ? this.stderr : this.stdout).write(`${text}\n`);
  }

  /**
   * Report lines are kept from here until release(), then written in one go: a report of a few
   * hundred lines was as many writes (system calls), each a few microseconds to tens of them.
   */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const lines = this.held;
    this.held = undefined;
    if (lines?.length) (this.json ? this.stderr : this.stdout).write(`${lines.join('\n')}\n`);
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

  spinner(text: string): Spinner | undefined {
    // A terminal that reports no width (some pseudo-terminals) cannot say how long a line may be.
    if (!this.stderr.isTTY || this.ci || !this.stderr.columns) return undefined;
    return new TerminalSpinner(text, this.stderr, this.colors.blue);
  }
}
