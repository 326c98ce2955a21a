import { frenchDateTime, frenchNumber, namedList } from '../text/format.js';
import { removeStaleTemporaries } from '../files.js';
import { RelaisError, UsageError } from '../errors.js';
import { notRecipientReason } from '../campaign/communes.js';
import { communeReference } from '../data/cog.js';
import type { ReadyCampaign } from '../campaign/check.js';
import type { RecipientPlan } from '../campaign/plan.js';
import { generateLetters } from '../letters/generate.js';
import { lastPrinted } from '../letters/manifest.js';
import { deliver, OUTAGE_LIMIT } from './deliver.js';
import { Journal, POST_CHANNEL, unreachableAt, type Row } from './journal.js';
import { CHANNEL, deliveryState, EMPTY_STATE, postedLetter, type DeliveryState } from './state.js';
import { RunLock } from './lock.js';
import { attachmentsOf, correctedMessageId, composerFor, prepareEmail, senderOf, SIZE_WARNING, toMessage, type PreparedEmail } from './message.js';
import type { Transport } from './transport.js';

/**
 * `relais send` as a use case. Plans first (who gets what, who already has it, who goes by post),
 * asks for confirmation through a callback, then sends with the journal written around every
 * message (deliver.ts). Failures are data: the run goes on and the summary says what failed —
 * except a dead server, which stops the run (OUTAGE_LIMIT) instead of grinding through the rest.
 */
export { CHANNEL, deliveryState, EMPTY_STATE, reachedByPost, stillToSend, toRetry, type DeliveryState } from './state.js';


export interface SendOptions {
  departements?: string[];
  communes?: string[];
  limit?: number;
  /** Messages per minute. */
  rate?: number;
  dryRun?: boolean;
  resendUnconfirmed?: boolean;
  resendChanged?: boolean;
  /** Asked before anything leaves when the transport is a real server. */
  confirm?: (plan: SendPlan) => Promise<boolean>;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** By default the transport's (RELAIS_SMTP_RETRY_MS for a server). */
  retryBaseMs?: number;
  maxAttempts?: number;
  /** Worker threads for the letters it attaches (RELAIS_WORKERS). */
  workers?: number | undefined;
  /**
   * The last print files' communes as they were before this command (run writes the print files
   * again before it sends): a town hall among them that now gets the email is said.
   */
  printed?: Awaited<ReturnType<typeof lastPrinted>>;
}

export interface SendPlan {
  transport: Transport['kind'];
  description: string;
  toSend: PreparedEmail[];
  alreadySent: number;
  byPost: number;
  unconfirmed: Row[];
  changed: number;
  /** The town halls that already got another version of their email: named, so that resending is a decision. */
  changedList: Array<{ commune: string; nom: string; recipient: string }>;
  /** With an address now, but their letter was posted (relais letters --posted): not written to. */
  posted: string[];
  /** To send, and in the last print file (its letter may be in the post): said, not held back. */
  printedToo?: Array<{ commune: string; nom: string; since: string }>;
  permanent: number;
  /** Bounced at this very address: not written to again, their letter goes by post (counted in byPost). */
  bounced: number;
  tooLarge: string[];
  /** Of the messages to send to a server, those already written to the outbox (a rehearsal). */
  rehearsed: number;
}

export interface SendSummary {
  /** The one notion of failure: see `emailsOk`. */
  ok: boolean;
  transport: Transport['kind'];
  destination: string;
  /** host:port of the SMTP server, null for the outbox. */
  server: string | null;
  /** This run: */
  sent: number;
  failed: number;
  unconfirmed: number;
  skipped: number;
  byPost: number;
  /** Of byPost: town halls whose email bounced at the address still in the data. */
  bounced: number;
  alreadySent: number;
  changed: number;
  changedList: SendPlan['changedList'];
  /** Planned for a server and already written to the outbox: a rehearsal, not a delivery. */
  rehearsed: number;
  dryRun: boolean;
  cancelled: boolean;
  interrupted: boolean;
  failures: Array<{ commune: string; recipient: string; status: string; reply: string }>;
  unconfirmedList: Array<{ commune: string; recipient: string }>;
  warnings: string[];
  /**
   * Set when a dead server stopped the run: the French message, what went, what is left, how
   * many of this run are unconfirmed; `frozen` when the server went silent mid-session.
   */
  outage: { message: string; sent: number; remaining: number; unconfirmed: number; frozen: boolean } | null;
  /**
   * Set when the server's answer stopped the run (a refusal of the session or of every message: a
   * quota, a size limit, the same refusal for message after message): the French message. The
   * messages left stay to send.
   */
  stopped: string | null;
  /** The journal after the run, for the selection and this destination (outbox or server). */
  state: DeliveryState & { byDepartement: Record<string, DeliveryState> };
}

/**
 * Failure, decided once for `send` and `run`: a run that was stopped (interruption, dead server)
 * or a selection whose journal still holds refused or unconfirmed messages. Messages simply not
 * sent yet (--limit) are not failures. A dry run or a cancelled one sent nothing and failed nothing.
 */
export function emailsOk(s: Pick<SendSummary, 'dryRun' | 'cancelled' | 'interrupted' | 'outage' | 'stopped' | 'state'>): boolean {
  if (s.dryRun || s.cancelled) return true;
  return !s.interrupted && !s.outage && !s.stopped && s.state.failed === 0 && s.state.unconfirmed === 0;
}

export async function sendCampaign(ready: ReadyCampaign, transport: Transport, options: SendOptions = {}): Promise<SendSummary> {
  const deps = options.departements ?? [];
  const communes = options.communes ?? [];
  // A mistyped code would otherwise send nothing and say « 0 envoyé » as if that town hall were done.
  const unknown = communes.filter((code) => !ready.plan.recipient(code) || (deps.length > 0 && !deps.includes(ready.plan.recipient(code)!.recipient.departement.code)));
  if (unknown.length) {
    // Each code with what to type instead (a former commune names the one that replaced it).
    const within = deps.length ? deps : ready.campaign.departements.map((d) => d.code);
    const why = unknown.map((code) => {
      // A town hall of the campaign, left out by --dep only: said so, not « pas un destinataire ».
      const r = ready.plan.recipient(code)?.recipient;
      if (r) return `--commune ${code} : ${r.commune.nom} est destinataire de la campagne, dans le département ${r.departement.code}, que --dep (${deps.join(', ')}) n'a pas choisi`;
      return `--commune ${code} : ${notRecipientReason(communeReference(), code, within, deps.length ? (deps.length > 1 ? 'choisis par --dep' : 'choisi par --dep') : 'de la campagne')}`;
    });
    throw new UsageError(`${why.join(' ; ')} ; rien n'a été envoyé`);
  }
  const wanted = new Set(communes);
  const selected = ready.plan.recipients.filter((p) => (!deps.length || deps.includes(p.recipient.departement.code)) && (!wanted.size || wanted.has(p.recipient.commune.code)));
  const withEmail = selected.filter((p) => p.to !== null);
  if (withEmail.length) senderOf(ready);
  const lock = options.dryRun ? undefined : RunLock.acquire(ready.campaign.dir, 'send');
  const journal = Journal.open(ready.campaign.dir, ready.plan.campaign);
  try {
    const interrupted = options.dryRun ? [] : journal.recoverInterrupted(CHANNEL);
    if (!options.dryRun && transport.kind === 'outbox') await removeStaleTemporaries(ready.plan.paths.outbox);
    // Each email carries its commune's letter: written now if it is missing or out of date.
    const letters = withEmail.length ? (await generateLetters(ready, { departements: deps, communes: withEmail.map((p) => p.recipient.commune.code), workers: options.workers })).hashes : new Map<string, string>();
    const common = await attachmentsOf(ready);
    const rows = journal.all(CHANNEL, transport.target.destination);
    // A town hall without an address in the data now, whose email a server accepted before, was
    // reached: not counted by post (letters does not print it either).
    const serverRows = transport.target.destination === 'server' ? rows : journal.all(CHANNEL, 'server');
    const byPost = selected.filter((p) => p.to === null && serverRows.get(p.recipient.commune.code)?.status !== 'sent').length;
    const plan: SendPlan = { transport: transport.kind, description: transport.description, toSend: [], alreadySent: 0, byPost, unconfirmed: [], changed: 0, changedList: [], posted: [], permanent: 0, bounced: 0, tooLarge: [], rehearsed: 0 };
    // Town halls whose letter the user said was posted (relais letters --posted) were reached: by
    // post, or by the email a server took before (state.ts counts them alike).
    const postRows = journal.all(POST_CHANNEL, 'server');
    for (const p of withEmail) {
      const r = p.recipient;
      const letter = postedLetter(serverRows.get(r.commune.code), postRows.get(r.commune.code));
      if (letter === 'posted') {
        plan.posted.push(`${r.commune.nom} ${r.commune.code}`);
        continue;
      }
      const path = p.paths.letter;
      const hash = letters.get(path);
      if (hash === undefined) throw new Error(`no letter hash for ${path}`);
      const prepared = prepareEmail(p, { path, hash }, common);
      const row = rows.get(r.commune.code);
      if (prepared.size > SIZE_WARNING) plan.tooLarge.push(`${r.commune.nom} (${(prepared.size / 1048576).toFixed(1)} Mo)`);
      // An address that bounced or was refused for good is not written to again; a corrected
      // one in the data is (the letter left the print file). A corrected template is no reason:
      // that town hall's letter is in the print file. A rehearsal does as the server send would:
      // what a server found unreachable is not written to the outbox either.
      const unreachable = [row, serverRows.get(r.commune.code)].find((x) => unreachableAt(x, prepared.to));
      if (unreachable) {
        if (unreachable.status === 'bounced') plan.bounced++;
        else plan.permanent++;
        continue;
      }
      if (row?.status === 'sent') {
        // Emailed, then its letter posted too: it has both; no corrected version follows them.
        if (row.message_hash === prepared.hash || letter === 'emailed') plan.alreadySent++;
        else if (options.resendChanged) plan.toSend.push({ ...prepared, messageId: correctedMessageId(prepared, row.message_id) });
        else {
          plan.changed++;
          plan.changedList.push({ commune: r.commune.code, nom: r.commune.nom, recipient: prepared.to });
        }
        continue;
      }
      if (row?.status === 'unconfirmed' || row?.status === 'sending') {
        // The same message again keeps the Message-ID it went with, whatever relais named it
        // then (an older relais named it without the hash): if it did arrive, this is its duplicate.
        // Changed since, it is another message: an ID of its own, never one sent before.
        if (options.resendUnconfirmed) plan.toSend.push(row.message_hash === prepared.hash && row.message_id ? { ...prepared, messageId: row.message_id } : { ...prepared, messageId: correctedMessageId(prepared, row.message_id) });
        else plan.unconfirmed.push(row);
        continue;
      }
      plan.toSend.push(prepared);
    }
    // Refused for good at this address, like a bounce: the letter goes by post (relais letters).
    plan.byPost += plan.bounced + plan.permanent + plan.posted.length;
    // A town hall whose letter was in the last print file (no address then, or one that bounced)
    // and that now has an address: its letter may be in the post already.
    if (transport.target.destination === 'server') {
      const printed = options.printed ?? (await lastPrinted(ready.plan));
      plan.printedToo = plan.toSend.filter((p) => printed.has(p.recipient.commune.code)).map((p) => ({ commune: p.recipient.commune.code, nom: p.recipient.commune.nom, since: printed.get(p.recipient.commune.code)?.date ?? '' }));
    }
    if (options.limit !== undefined) plan.toSend = plan.toSend.slice(0, options.limit);
    if (transport.target.destination === 'server') {
      const outbox = journal.all(CHANNEL, 'outbox');
      plan.rehearsed = plan.toSend.filter((p) => outbox.get(p.recipient.commune.code)?.status === 'sent').length;
    }

    const summary: SendSummary = {
      ok: true,
      transport: transport.kind,
      destination: transport.description,
      server: transport.target.server,
      sent: 0,
      failed: 0,
      unconfirmed: 0,
      // A town hall refused for good or whose letter was posted is counted by post (plan.byPost), not here too.
      skipped: plan.alreadySent + plan.changed + plan.unconfirmed.length,
      byPost: plan.byPost,
      bounced: plan.bounced,
      alreadySent: plan.alreadySent,
      changed: plan.changed,
      changedList: plan.changedList,
      rehearsed: plan.rehearsed,
      dryRun: Boolean(options.dryRun),
      cancelled: false,
      interrupted: false,
      failures: [],
      unconfirmedList: plan.unconfirmed.map((r) => ({ commune: r.commune, recipient: r.recipient })),
      warnings: [
        ...plan.tooLarge.map((t) => `message de plus de 10 Mo : ${t}`),
        ...(interrupted.length ? [interrupted.length === 1 ? `1 message laissé « en cours d'envoi » par une exécution interrompue : marqué non confirmé` : `${frenchNumber(interrupted.length)} messages laissés « en cours d'envoi » par une exécution interrompue : marqués non confirmés`] : []),
        ...(plan.bounced ? [plan.bounced === 1 ? `1 mairie dont le courriel est revenu en erreur reçoit sa lettre par courrier (relais letters) : corrigez son adresse dans les données pour lui écrire de nouveau` : `${frenchNumber(plan.bounced)} mairies dont le courriel est revenu en erreur reçoivent leur lettre par courrier (relais letters) : corrigez leur adresse dans les données pour leur écrire de nouveau`] : []),
        ...(plan.permanent ? [plan.permanent === 1 ? `1 mairie dont le courriel a été refusé pour de bon par le serveur reçoit sa lettre par courrier (relais letters ; la raison : relais status --failed) : une adresse corrigée dans les données reçoit de nouveau le courriel` : `${frenchNumber(plan.permanent)} mairies dont le courriel a été refusé pour de bon par le serveur reçoivent leur lettre par courrier (relais letters ; les raisons : relais status --failed) : une adresse corrigée dans les données reçoit de nouveau le courriel`] : []),
        ...(plan.posted.length ? [`${namedList(plan.posted)} : ${plan.posted.length > 1 ? 'leur lettre a été postée' : 'sa lettre a été postée'} (relais letters --posted) : pas de courriel`] : []),
        ...(plan.printedToo?.length
          ? [`${namedList(plan.printedToo.map((c) => `${c.nom} ${c.commune}`))} : ${plan.printedToo.length > 1 ? 'leur lettre était' : 'sa lettre était'} dans le dernier fichier à imprimer${plan.printedToo[0]!.since ? ` (écrit le ${frenchDateTime(plan.printedToo[0]!.since)})` : ''} et ${plan.printedToo.length > 1 ? 'leur courriel part' : 'son courriel part'} maintenant : si ce fichier n'est pas encore posté, retirez-en ${plan.printedToo.length > 1 ? 'leur lettre' : 'sa lettre'} (relais letters le récrit sans ${plan.printedToo.length > 1 ? 'elles' : 'elle'}) ; sinon ${plan.printedToo.length > 1 ? 'elles auront' : 'elle aura'} les deux`]
          : []),
        ...(plan.changed ? [`${plan.changed === 1 ? '1 mairie a' : `${frenchNumber(plan.changed)} mairies ont`} déjà reçu une version différente de ce courriel (${namedList(plan.changedList.map((c) => `${c.nom} ${c.commune}`))}) : « relais send --resend-changed » pour ${plan.changed === 1 ? 'la lui renvoyer' : 'la leur renvoyer'}`] : []),
      ],
      outage: null,
      stopped: null,
      state: { ...EMPTY_STATE, byDepartement: {} },
    };
    // The state is read back from the journal whatever happens next: the figures are the journal's.
    const finish = (): SendSummary => {
      // Every selected town hall, those without an address too: run counts who is reached by post.
      summary.state = deliveryState(selected, journal, transport.target.destination);
      summary.ok = emailsOk(summary);
      return summary;
    };
    if (options.dryRun || plan.toSend.length === 0) return finish();
    if (options.confirm && !(await options.confirm(plan))) {
      summary.cancelled = true;
      return finish();
    }
    await transport.verify(OUTAGE_LIMIT, options.signal);
    const composer = composerFor(ready, common);
    await deliver(CHANNEL, plan.toSend, (p) => toMessage(ready, p, composer), transport, journal, summary, options);
    return finish();
  } finally {
    journal.close();
    lock?.release();
    transport.close();
  }
}
