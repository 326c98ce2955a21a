import { join } from 'node:path';
import type { ReadyCampaign } from '../campaign/check.js';
import { campaignKey } from '../campaign/load.js';
import { RelaisError } from '../errors.js';
import { insideFolder } from '../files.js';
import { generateLetters, letterFileName } from '../letters/generate.js';
import { pause, unlessInterrupted } from './grace.js';
import { Journal, type Row } from './journal.js';
import { RunLock } from './lock.js';
import { attachmentsOf, composerFor, prepareEmail, SIZE_WARNING, toMessage, type PreparedEmail } from './message.js';
import { DeliveryError, type OutgoingMessage, type Transport } from './transport.js';

/**
 * `relais send` as a use case. Plans first (who gets what, who already has it, who goes by post),
 * asks for confirmation through a callback, then sends with the journal written around every
 * message. Failures are data: the run goes on and the summary says what failed.
 */
export const CHANNEL = 'courriel';

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
  retryBaseMs?: number;
  maxAttempts?: number;
}

export interface SendPlan {
  transport: Transport['kind'];
  description: string;
  toSend: PreparedEmail[];
  alreadySent: number;
  byPost: number;
  unconfirmed: Row[];
  changed: number;
  permanent: number;
  tooLarge: string[];
}

export interface SendSummary {
  transport: Transport['kind'];
  destination: string;
  sent: number;
  failed: number;
  unconfirmed: number;
  skipped: number;
  byPost: number;
  alreadySent: number;
  changed: number;
  dryRun: boolean;
  cancelled: boolean;
  interrupted: boolean;
  failures: Array<{ commune: string; recipient: string; status: string; reply: string }>;
  unconfirmedList: Array<{ commune: string; recipient: string }>;
  warnings: string[];
}

export async function sendCampaign(ready: ReadyCampaign, transport: Transport, options: SendOptions = {}): Promise<SendSummary> {
  const deps = options.departements ?? [];
  const communes = options.communes ?? [];
  const wanted = new Set(communes);
  const selected = ready.recipients.filter((r) => (!deps.length || deps.includes(r.departement.code)) && (!wanted.size || wanted.has(r.commune.code)));
  const withEmail = selected.filter((r) => r.contact?.courriel);
  const key = campaignKey(ready.campaign);
  const lock = options.dryRun ? undefined : RunLock.acquire(ready.campaign.dir, 'send');
  const journal = Journal.open(ready.campaign.dir, key);
  try {
    const interrupted = options.dryRun ? [] : journal.recoverInterrupted(CHANNEL);
    // Each email carries its commune's letter: written now if it is missing or out of date.
    const letters = withEmail.length ? (await generateLetters(ready, { departements: deps, communes: withEmail.map((r) => r.commune.code) })).hashes : new Map<string, string>();
    const common = attachmentsOf(ready);
    const rows = journal.all(CHANNEL);
    const plan: SendPlan = { transport: transport.kind, description: transport.description, toSend: [], alreadySent: 0, byPost: selected.length - withEmail.length, unconfirmed: [], changed: 0, permanent: 0, tooLarge: [] };
    for (const r of withEmail) {
      const path = insideFolder(join(ready.campaign.dir, 'out', 'lettres'), r.departement.code, letterFileName(r));
      const hash = letters.get(path);
      if (hash === undefined) throw new Error(`no letter hash for ${path}`);
      const prepared = prepareEmail(ready, r, { path, hash }, common, key);
      const row = rows.get(r.commune.code);
      if (prepared.size > SIZE_WARNING) plan.tooLarge.push(`${r.commune.nom} (${(prepared.size / 1048576).toFixed(1)} Mo)`);
      if (row?.status === 'sent') {
        if (row.message_hash === prepared.hash) plan.alreadySent++;
        else if (options.resendChanged) plan.toSend.push(prepared);
        else plan.changed++;
        continue;
      }
      if (row?.status === 'unconfirmed' || row?.status === 'sending') {
        if (options.resendUnconfirmed) plan.toSend.push(prepared);
        else plan.unconfirmed.push(row);
        continue;
      }
      // A permanent refusal is retried only for a new address (the hash covers the address).
      if (row?.status === 'failed-permanent' && row.message_hash === prepared.hash) {
        plan.permanent++;
        continue;
      }
      plan.toSend.push(prepared);
    }
    if (options.limit !== undefined) plan.toSend = plan.toSend.slice(0, options.limit);

    const summary: SendSummary = {
      transport: transport.kind,
      destination: transport.description,
      sent: 0,
      failed: 0,
      unconfirmed: 0,
      skipped: plan.alreadySent + plan.changed + plan.unconfirmed.length + plan.permanent,
      byPost: plan.byPost,
      alreadySent: plan.alreadySent,
      changed: plan.changed,
      dryRun: Boolean(options.dryRun),
      cancelled: false,
      interrupted: false,
      failures: [],
      unconfirmedList: plan.unconfirmed.map((r) => ({ commune: r.commune, recipient: r.recipient })),
      warnings: [
        ...plan.tooLarge.map((t) => `message de plus de 10 Mo : ${t}`),
        ...(interrupted.length ? [`${interrupted.length} message(s) laissé(s) « en cours d'envoi » par une exécution interrompue : marqués non confirmés`] : []),
        ...(plan.changed ? [`${plan.changed} mairie(s) ont déjà reçu une version différente de ce courriel : --resend-changed pour la leur renvoyer`] : []),
      ],
    };
    if (options.dryRun || plan.toSend.length === 0) return summary;
    if (options.confirm && !(await options.confirm(plan))) {
      summary.cancelled = true;
      return summary;
    }
    await transport.verify();
    const composer = composerFor(ready, common);
    await deliver(plan.toSend, (p) => toMessage(ready, p, composer), transport, journal, summary, options);
    return summary;
  } finally {
    journal.close();
    lock?.release();
    transport.close();
  }
}

async function deliver(queue: PreparedEmail[], build: (p: PreparedEmail) => OutgoingMessage, transport: Transport, journal: Journal, summary: SendSummary, options: SendOptions): Promise<void> {
  const total = queue.length;
  const interval = options.rate ? 60_000 / options.rate : 0;
  const base = options.retryBaseMs ?? 2000;
  const maxAttempts = options.maxAttempts ?? 4;
  let next = Date.now();
  let done = 0;
  let fatal: DeliveryError | undefined;
  const items = [...queue];

  const one = async (p: PreparedEmail): Promise<void> => {
    const who = { commune: p.recipient.commune.code, departement: p.recipient.departement.code, recipient: p.recipient.contact!.courriel!, hash: p.hash, messageId: p.messageId };
    for (let attempt = 1; ; attempt++) {
      journal.markSending(CHANNEL, who);
      try {
        const reply = await unlessInterrupted(transport.send(build(p)), options.signal, () => new DeliveryError('interrompu avant la réponse du serveur SMTP : remise inconnue', 'unknown', ''));
        journal.finish(CHANNEL, who.commune, 'sent', reply);
        summary.sent++;
        return;
      } catch (err) {
        const d = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, 'temporary', (err as Error).message);
        if (d.kind === 'fatal') {
          journal.finish(CHANNEL, who.commune, 'failed-temporary', d.message);
          fatal ??= d;
          return;
        }
        if (d.kind === 'unknown') {
          journal.finish(CHANNEL, who.commune, 'unconfirmed', `${d.message} ${d.reply}`.trim());
          summary.unconfirmed++;
          summary.unconfirmedList.push({ commune: who.commune, recipient: who.recipient });
          return;
        }
        journal.finish(CHANNEL, who.commune, d.kind === 'permanent' ? 'failed-permanent' : 'failed-temporary', `${d.message} ${d.reply}`.trim());
        if (d.kind !== 'permanent' && attempt < maxAttempts && !options.signal?.aborted) {
          // Exponential backoff, bounded: 2 s, 4 s, 8 s by default; an interruption ends it.
          await pause(base * 2 ** (attempt - 1), options.signal);
          if (!options.signal?.aborted) continue;
        }
        summary.failed++;
        summary.failures.push({ commune: who.commune, recipient: who.recipient, status: d.kind === 'permanent' ? 'failed-permanent' : 'failed-temporary', reply: `${d.message} ${d.reply}`.trim() });
        return;
      }
    }
  };

  const lane = async () => {
    for (;;) {
      if (fatal || options.signal?.aborted) return;
      const p = items.shift();
      if (!p) return;
      if (interval) {
        const wait = next - Date.now();
        next = Math.max(next, Date.now()) + interval;
        if (wait > 0) await pause(wait, options.signal);
        if (options.signal?.aborted) {
          items.unshift(p);
          return;
        }
      }
      await one(p);
      options.onProgress?.(++done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(transport.concurrency, items.length)) }, lane));
  summary.interrupted = Boolean(options.signal?.aborted) && items.length > 0;
  if (fatal) throw new RelaisError(`${fatal.message}${fatal.reply ? ` (réponse : ${fatal.reply})` : ''} — ${summary.sent} message(s) envoyé(s) avant l'arrêt, les autres le seront à la prochaine exécution`);
}
