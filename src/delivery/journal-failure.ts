import { JOURNAL_FILE } from '../campaign/paths.js';
import { isJournalWriteFailure, RelaisError, sqliteReason, systemReason } from '../errors.js';
import { frenchNumber } from '../text/format.js';
import type { SendSummary } from './send.js';

/**
 * The journal failing in the middle of a send (a full disk, a journal gone read-only, a write
 * refused): every journal write of the send loop goes through a JournalGuard; one that fails stops
 * the run — no message is sent that the journal could not follow — and every failure of the run is
 * kept with where its message stood, so that the end says what became of each message.
 */

/**
 * Where a message stood when its journal write failed.
 * - `before`: not handed over (its `pending` row, the handover itself, or the outcome of a message
 *   refused before DATA): nothing left, it is left to send.
 * - `accepted`: the server said 250 and « envoyé » could not be written; `refused`: refused after
 *   DATA; `unknown`: no answer after DATA. The row stays `sending`: the next send calls it
 *   unconfirmed and never sends it again without --resend-unconfirmed.
 * - `noted`: a row that already held the message's outcome (rewritten when a relay's wall is seen):
 *   it keeps that outcome, counted with it.
 */
export type JournalStage = 'before' | 'accepted' | 'refused' | 'unknown' | 'noted';

export interface JournalFailure {
  error: unknown;
  commune: string;
  stage: JournalStage;
}

/** Thrown inside the loop when a journal write failed (see JournalGuard.write): ends that lane. */
export class JournalWriteFailed extends Error {}

/** Every journal write of a send loop, and every one of them that failed. */
export class JournalGuard {
  readonly failures: JournalFailure[] = [];

  /** `stop` ends the run's lanes: called at the first failure (and at an error of relais's own). */
  constructor(private readonly stop: () => void) {}

  /**
   * Runs one journal write. A SQLite or system error is the journal's: kept, and the lane ends
   * (JournalWriteFailed). Any other error is relais's own bug, not the journal's: thrown as is.
   */
  write(commune: string, stage: JournalStage, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.stop();
      if (journalReason(error) === undefined) throw error;
      this.failures.push({ error, commune, stage });
      throw new JournalWriteFailed();
    }
  }
}

/** The French reason for an error of the journal (SQLite's, or the system's), undefined for any other. */
function journalReason(err: unknown): string | undefined {
  return sqliteReason(err) ?? systemReason(err);
}

const messages = (n: number) => `${frenchNumber(n)} ${n > 1 ? 'messages' : 'message'}`;

/** A few communes, then « et N autres »: 45004, 45006, 45008 et 2 autres. */
export function someCommunes(communes: string[], shown = 5): string {
  if (communes.length <= shown) return communes.length > 1 ? `${communes.slice(0, -1).join(', ')} et ${communes.at(-1)}` : (communes[0] ?? '');
  const rest = communes.length - shown;
  return `${communes.slice(0, shown).join(', ')} et ${frenchNumber(rest)} ${rest > 1 ? 'autres' : 'autre'}`;
}

/** What to do about it, by what the journal said (« Corrigez cela » said nothing). */
function advice(err: unknown): string {
  const code = String((err as { code?: unknown } | undefined)?.code ?? '');
  if (isJournalWriteFailure(err) || code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') return 'Libérez de la place sur ce disque';
  if (/^SQLITE_(READONLY|PERM|CANTOPEN)|^(EACCES|EPERM|EROFS)$/.test(code)) return `Rendez ${JOURNAL_FILE} et son dossier .relais accessibles en écriture (droits, disque monté en lecture seule)`;
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return `Fermez le programme qui tient ${JOURNAL_FILE} ouvert (une sauvegarde, un autre relais)`;
  if (/^SQLITE_CONSTRAINT/.test(code)) return `Retirez de ${JOURNAL_FILE} ce qui refuse l'écriture (un déclencheur ou une contrainte ajoutés à la base hors de relais), ou restaurez sa sauvegarde`;
  return `Vérifiez le disque et le fichier ${JOURNAL_FILE} (place, droits, support), ou restaurez sa sauvegarde`;
}

/**
 * The run stopped because the journal could not be written: said in French, naming the journal
 * file and each reason, with what became of every selected message — sent and noted, unconfirmed
 * (named by commune), refused, left to send — the counts adding up to the selection.
 */
export function journalStopped(failures: JournalFailure[], summary: Pick<SendSummary, 'sent' | 'unconfirmedList' | 'failures'>, selected: number): RelaisError {
  const first = failures[0];
  if (!first) throw new Error('journalStopped: no journal failure');
  // Each reason once, with how many writes it refused.
  const reasons = new Map<string, number>();
  for (const f of failures) {
    const r = journalReason(f.error)!;
    reasons.set(r, (reasons.get(r) ?? 0) + 1);
  }
  const said = [...reasons].map(([r, n]) => (reasons.size > 1 || n > 1 ? `${r} (${frenchNumber(n)} ${n > 1 ? 'écritures refusées' : 'écriture refusée'})` : r)).join(' ; ');
  const at = (stage: JournalStage) => failures.filter((f) => f.stage === stage).map((f) => f.commune);
  const [accepted, refusedAfter] = [at('accepted'), at('refused')];
  const unsure = [...at('unknown'), ...summary.unconfirmedList.map((u) => u.commune)];
  const unconfirmed = [...accepted, ...refusedAfter, ...unsure];
  const refused = summary.failures.filter((f) => f.status === 'failed-permanent').length;
  const sent = summary.sent;
  // Everything else is left to send: never tried, interrupted, refused for now, not handed over.
  const left = selected - sent - unconfirmed.length - refused;
  const parts = [`${messages(sent)} ${sent > 1 ? 'envoyés et notés' : 'envoyé et noté'}`];
  if (unconfirmed.length) {
    const n = unconfirmed.length;
    const which = [
      accepted.length ? `${frenchNumber(accepted.length)} ${accepted.length > 1 ? 'acceptés' : 'accepté'} par le serveur sans avoir pu être ${accepted.length > 1 ? 'notés' : 'noté'} « envoyé »` : '',
      refusedAfter.length ? `${frenchNumber(refusedAfter.length)} ${refusedAfter.length > 1 ? 'refusés' : 'refusé'} par le serveur après l'envoi sans que le refus ait pu être noté` : '',
      unsure.length ? `${frenchNumber(unsure.length)} à la remise incertaine` : '',
    ].filter(Boolean);
    parts.push(
      `${messages(n)} non ${n > 1 ? 'confirmés' : 'confirmé'} (${which.join(', ')} ; ${n > 1 ? 'communes' : 'commune'} ${someCommunes(unconfirmed)}) : le prochain « relais send » ${n > 1 ? 'les dira' : 'le dira'} non ${n > 1 ? 'confirmés' : 'confirmé'} et ne ${n > 1 ? 'les renverra' : 'le renverra'} pas de lui-même (relais status --failed ${n > 1 ? 'les liste' : 'le liste'} ; vérifiez auprès de ${n > 1 ? 'ces mairies' : 'cette mairie'} avant « relais send --resend-unconfirmed »)`,
    );
  }
  if (refused) parts.push(`${messages(refused)} ${refused > 1 ? 'refusés' : 'refusé'} par le serveur (relais status --failed)`);
  parts.push(`${messages(left)} ${left > 1 ? 'restent' : 'reste'} à envoyer`);
  return new RelaisError(
    `impossible d'écrire dans le journal des envois ${JOURNAL_FILE} : ${said}. Envoi arrêté, sur ${messages(selected)} à envoyer : ${parts.join(' ; ')}. ${advice(first.error)}, puis relancez la même commande : seuls les messages restants partiront.`,
    { file: JOURNAL_FILE },
    { cause: first.error },
  );
}
