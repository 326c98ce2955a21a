import { REPEATED_TITLE, setAside, type FileAccount } from '../campaign/accounting.js';
import type { ProblemList } from '../problems.js';

/**
 * The rows of one sign-up export that are not counted for what they hold: rejected (counted in
 * the file's account and said by file and line), and the lines of one value held until the next
 * line says whether they are a second export's title, above its header (set aside), or rows to
 * reject.
 */
export class Rejections {
  /** The rows rejected. */
  count = 0;
  /** Lines of one value held until the next line says whether they are a title. */
  private readonly pending: Array<{ line: number; why: string }> = [];

  constructor(
    private readonly account: FileAccount,
    private readonly file: string,
    private readonly problems: ProblemList,
  ) {}

  /** Whether lines are held. */
  get holding(): boolean {
    return this.pending.length > 0;
  }

  reject(line: number, why: string): void {
    this.count++;
    this.account.rejetes++;
    this.problems.warning('inscription-rejetee', `inscription rejetée : ${why}`, { file: this.file, line });
  }

  /** A line of one value may be the title of a second export, above its header: it waits (a few at most) for the next line to say which it is. */
  hold(line: number, why: string): void {
    if (this.pending.length >= 3) this.rejectHeld();
    this.pending.push({ line, why });
  }

  /** The lines held were rows after all: rejected. */
  rejectHeld(): void {
    for (const p of this.pending) this.reject(p.line, p.why);
    this.pending.length = 0;
  }

  /** The lines held were the title of the header that follows them: set aside. */
  titlesAside(): void {
    for (const p of this.pending) {
      setAside(this.account, REPEATED_TITLE);
      this.problems.warning('en-tete-repete', `inscriptions : titre d'un second export, au-dessus de son en-tête (deux exports mis bout à bout ?) : ligne écartée`, { file: this.file, line: p.line });
    }
    this.pending.length = 0;
  }
}
