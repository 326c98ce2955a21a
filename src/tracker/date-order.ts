import type { ProblemList } from '../problems.js';
import { frenchDay } from '../text/format.js';
import { isoOf } from './aggregate.js';
import type { Volunteers } from './volunteers.js';

/** What `DateOrder.day` returns for a date that reads only the way the column proved it is not. */
export const AGAINST_ORDER = -2;

/**
 * The order of one export's slashed dates. A form set to a US locale writes « 4/13/2020 »: a date
 * that reads only month/day proves the whole column is written so, and « 4/1/2020 » in it is
 * 1 April, not 4 January. A column where no date says which (every number up to 12) is read
 * day/month, the French way, and said. One column is read one way: a date that reads only the
 * other way is rejected, never guessed.
 *
 * Rows kept while the order was still unknown were given their day/month reading; when the column
 * then proves month/day, each of them still held (not replaced by a later row) gets its other
 * reading.
 *
 * One date is slim proof against a French file (« 04/13/2020 » typed by hand among « 14/04/2020 »):
 * once more dates read only day/month than only month/day, the column is French after all, the
 * rows read month/day on that proof get their day/month reading back, and it is said; the dates
 * that read only month/day stay read so, named. The other way, French wins: a column proved
 * day/month stays so.
 */
export class DateOrder {
  order: 'dm' | 'md' | undefined;
  private proof: { line: number; text: string } | undefined;
  private ambiguous = 0;
  private firstAmbiguous: { line: number; text: string } | undefined;
  /** The month/day reading of the day a row kept was provisionally given: slot, line, day. */
  private pending: number[] = [];
  /** Set by `day` when the day it gave may change: the row's other reading (see kept). */
  provisional = -1;
  /** Dates read only one way, each way. */
  private proofs = { dm: 0, md: 0 };
  /** Rows kept with their month/day reading that also read day/month: slot, line, day/month day. */
  private readMonthFirst: number[] = [];
  /** The first rows read only month/day (at most a few), named if the column turns out French. */
  private monthFirstOnly: Array<{ line: number; text: string }> = [];

  constructor(
    private readonly store: Volunteers,
    private readonly fileIndex: number,
    private readonly today: number,
    private readonly file: string,
    private readonly column: () => string,
    private readonly problems: ProblemList,
  ) {}

  /**
   * The day of a date read day/month (`dm`) and month/day (`md`), each -1 when it does not read
   * so; AGAINST_ORDER when it reads only the way the column proved wrong.
   */
  day(dm: number, md: number, line: number, text: () => string): number {
    this.provisional = -1;
    if (dm === md) return dm;
    if (md < 0) {
      this.proofs.dm++;
      if (this.order === 'md') {
        // One contradicting date is rejected (said); more of them than proofs of month/day, and the
        // column is French after all.
        if (this.proofs.dm <= this.proofs.md) return AGAINST_ORDER;
        this.frenchAfterAll(line, text());
      }
      if (!this.order) this.prove('dm', line, text());
      return dm;
    }
    if (dm < 0) {
      this.proofs.md++;
      if (this.order === 'dm') return AGAINST_ORDER;
      if (this.monthFirstOnly.length < 3) this.monthFirstOnly.push({ line, text: text() });
      if (!this.order) this.prove('md', line, text());
      return md;
    }
    if (this.order === 'md') {
      this.provisional = dm;
      return md;
    }
    if (this.order) return dm;
    // The order still unknown, a date whose day/month reading is in the future and month/day one
    // is not: the future one cannot be a sign-up's, the other is read, and said.
    if (dm > this.today && md <= this.today) {
      this.problems.warning('date-ambigue', `inscriptions : date « ${text()} » lue le ${frenchDay(isoOf(md))} (mois/jour) : en jour/mois, elle serait le ${frenchDay(isoOf(dm))}, dans le futur ; vérifiez la ligne`, { file: this.file, line, field: this.column() });
      return md;
    }
    this.ambiguous++;
    this.firstAmbiguous ??= { line, text: text() };
    this.provisional = md;
    return dm;
  }

  /** The row given a provisional day (its month/day reading `md`) was kept in `slot`. */
  kept(slot: number, line: number, other: number): void {
    if (!this.order) this.pending.push(slot, line, other);
    else if (this.order === 'md') this.readMonthFirst.push(slot, line, other);
  }

  /** As many dates read only day/month as only month/day: the column is French, its rows read so again. */
  private frenchAfterAll(line: number, text: string): void {
    const { store, fileIndex, readMonthFirst } = this;
    for (let i = 0; i < readMonthFirst.length; i += 3) {
      const [slot, at, dm] = [readMonthFirst[i]!, readMonthFirst[i + 1]!, readMonthFirst[i + 2]!];
      if (store.whereFile[slot] === fileIndex && store.whereLine[slot] === at) store.day[slot] = dm;
    }
    const odd = this.monthFirstOnly.map((d) => `« ${d.text} », ligne ${d.line}`).join(' ; ');
    this.problems.warning(
      'dates-jour-mois',
      `inscriptions : la colonne « ${this.column()} » est finalement lue jour/mois (${this.proofs.dm > 1 ? `${this.proofs.dm} dates ne se lisent` : 'une date ne se lit'} qu'ainsi, ici « ${text} », contre ${this.proofs.md} en mois/jour) : les dates lues mois/jour sont relues jour/mois ; ${this.proofs.md > 1 ? 'celles qui ne se lisent' : 'celle qui ne se lit'} qu'en mois/jour (${odd}${this.proofs.md > this.monthFirstOnly.length ? '…' : ''}) ${this.proofs.md > 1 ? 'restent comptées' : 'reste comptée'} ainsi : vérifiez-les`,
      { file: this.file, line, field: this.column() },
    );
    this.order = 'dm';
    this.proof = { line, text };
    this.readMonthFirst = [];
  }

  /** Why a date AGAINST_ORDER is rejected. */
  against(text: string): string {
    const [proved, other] = this.order === 'md' ? ['mois/jour', 'jour/mois'] : ['jour/mois', 'mois/jour'];
    return `date « ${text} » lisible seulement en ${other}, alors que la colonne « ${this.column()} » est écrite ${proved} (« ${this.proof!.text} », ligne ${this.proof!.line}) : une seule lecture peut être juste`;
  }

  private prove(order: 'dm' | 'md', line: number, text: string): void {
    this.order = order;
    this.proof = { line, text };
    if (order === 'md') {
      this.problems.warning(
        'dates-mois-jour',
        `inscriptions : la colonne « ${this.column()} » est écrite mois/jour/année (« ${text} » ne se lit pas autrement) : toutes ses dates sont lues ainsi (« 4/1/2020 » est le 1er avril 2020, pas le 4 janvier)`,
        { file: this.file, line, field: this.column() },
      );
      const { store, fileIndex, pending } = this;
      for (let i = 0; i < pending.length; i += 3) {
        const [slot, at, md] = [pending[i]!, pending[i + 1]!, pending[i + 2]!];
        if (store.whereFile[slot] !== fileIndex || store.whereLine[slot] !== at) continue;
        // Read month/day, a date after today: kept as read day/month, and said.
        if (md > this.today) {
          const read = frenchDay(isoOf(store.day[slot]!));
          this.problems.warning('date-ambigue', `inscriptions : date lue le ${read} (jour/mois) : en mois/jour, comme le reste de la colonne « ${this.column()} », elle serait le ${frenchDay(isoOf(md))}, dans le futur ; vérifiez la ligne`, { file: this.file, line: at, field: this.column() });
        } else {
          this.readMonthFirst.push(slot, at, store.day[slot]!);
          store.day[slot] = md;
        }
      }
    }
    this.pending = [];
  }

  /** Once the file is read: a column whose dates never said their order, read day/month, said. */
  end(): void {
    if (this.order || !this.firstAmbiguous) return;
    const n = this.ambiguous;
    this.problems.info(
      'dates-jour-mois',
      `inscriptions : ${n > 1 ? `${n} dates de la colonne « ${this.column()} » se lisent` : `une date de la colonne « ${this.column()} » se lit`} jour/mois ou mois/jour (aucun nombre au-delà de 12, ici « ${this.firstAmbiguous.text} ») : ${n > 1 ? 'lues' : 'lue'} jour/mois, à la française ; si l'export vient d'un formulaire réglé en mois/jour, corrigez ces dates`,
      { file: this.file, line: this.firstAmbiguous.line, field: this.column() },
    );
    this.pending = [];
  }
}
