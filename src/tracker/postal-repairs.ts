import { repairPostalCode } from '../data/postal-codes.js';
import type { ProblemList } from '../problems.js';

/**
 * The postal codes of one sign-up export repaired as the town-hall list repairs them (« 45 000 »
 * written with a space, « 6190 » that lost its zero in a spreadsheet): said once for the file,
 * with how many and the first few, each with its line.
 */
export class PostalRepairs {
  private count = 0;
  private readonly first: Array<{ line: number; written: string }> = [];

  note(line: number, written: string): void {
    if (this.count++ < 3) this.first.push({ line, written });
  }

  say(problems: ProblemList, file: string, field: string): void {
    if (this.count === 0) return;
    const said = this.first.map(({ line, written }) => `« ${written} » lu ${repairPostalCode(written).code}${/^\d{4}$/.test(written) ? ' (zéro initial perdu dans un tableur)' : ''}, ligne ${line}`);
    const n = this.count > 1 ? `${this.count} codes postaux réparés` : 'un code postal réparé';
    problems.warning('code-postal-repare', `inscriptions : ${n} comme pour la liste des mairies : ${said.join(' ; ')}${this.count > 3 ? '…' : ''} ; ces volontaires sont comptés dans le département de ce code`, { file, line: this.first[0]!.line, field });
  }
}
