import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { countOf, frenchNumber, namedList } from '../text/format.js';
import type { ReadyCampaign } from '../campaign/check.js';
import type { RecipientPlan } from '../campaign/plan.js';
import { emailFates, type EmailFates } from '../delivery/journal.js';
import { RelaisError, UsageError } from '../errors.js';
import { notRecipientReason } from '../campaign/communes.js';
import { communeReference, normalizeInsee } from '../data/cog.js';
import { removeStaleTemporaries, writeFileAtomic } from '../files.js';
import { fileFingerprint, PRINT_FINGERPRINT, readManifest } from './manifest.js';
import { RunLock } from '../delivery/lock.js';
import { removeDeparted, type DepartedFiles } from './departed.js';
import type { Job, RenderSetup } from './jobs.js';
import { campaignFontChoice, fontNames, fontSources } from './font-files.js';
import { contentHash, jobSize } from './keys.js';
import { dropPrintFile, printFilePlan, writeAdditionsLists, type PrintBook, type PrintCandidate, type PrintFile } from './print-file.js';

/**
 * `relais letters` as a use case: one PDF per commune under out/lettres/<dep>/, and per
 * département a print file of the letters that go by post. Only what changed is rewritten: a
 * manifest keeps a hash of what each file was made from.
 */
export interface LettersOptions {
  departements?: string[];
  communes?: string[];
  /** Print file with every commune, not only those without email. */
  all?: boolean;
  /**
   * Town halls whose email bounced or was refused (commune → that address): they join the print
   * file while the data still gives that address; and those a server accepted, which never join
   * it. By default read from the campaign's journal.
   */
  fates?: EmailFates;
  force?: boolean;
  /** Worker threads (RELAIS_WORKERS, read once at start); by default from the number of letters. */
  workers?: number | undefined;
  /**
   * The letters written so far out of those to write; then, when print files are rewritten, the
   * letters copied into them out of all their letters (a copy is not one more letter).
   */
  onProgress?: (done: number, total: number, print?: { done: number; total: number }) => void;
  /** Aborting stops between two letters; the run then reports itself interrupted. */
  signal?: AbortSignal;
  /**
   * Départements whose print file was just noted posted (`letters --posted`): its versions are
   * counted again from this one, the first since.
   */
  restart?: string[];
}

export type { PrintChange, PrintFile } from './print-file.js';
export type { DepartedFiles } from './departed.js';

export interface LettersResult {
  written: string[];
  unchanged: string[];
  print: PrintFile[];
  /** Print files removed: nothing (left) to post in their département. */
  removedPrint: string[];
  /** What was written for départements no longer in the campaign, removed (or a print file left, not relais's). */
  departed: DepartedFiles[];
  workers: number;
  /** Milliseconds spent on the per-commune files and on the print files. */
  timings: { letters: number; print: number };
  /** Each commune letter's path → the hash of what it holds (layout, text, address). */
  hashes: Map<string, string>;
}

const BATCH = 400;

/**
 * Draws what the campaign's plan holds: its letter models, keys and paths are decided there
 * (campaign/plan.ts); here only the drawing is organised and the manifest kept.
 */
export async function generateLetters(ready: ReadyCampaign, options: LettersOptions = {}): Promise<LettersResult> {
  // One writer of the letters and their manifest at a time: two commands writing them together
  // (two « letters --dep », or letters beside a send that brings its attachments up to date) would
  // each write back the manifest it read, and lose what the other wrote.
  const lock = RunLock.acquire(ready.campaign.dir, 'letters');
  try {
    return await drawLetters(ready, options);
  } finally {
    lock.release();
  }
}

async function drawLetters(ready: ReadyCampaign, options: LettersOptions): Promise<LettersResult> {
  const { campaign, plan } = ready;
  const deps = options.departements ?? [];
  // Codes as typed (« 4234 », a name): the message quotes them, the plan is asked with them repaired.
  const communes = (options.communes ?? []).map(normalizeInsee);
  communes.forEach((code, i) => {
    const given = options.communes![i]!;
    if (!plan.recipient(code)) throw new UsageError(`--commune ${given.trim()} : ${notRecipientReason(communeReference(), given, campaign.departements.map((d) => d.code))}`);
  });
  const wanted = new Set(communes);
  const fates = options.fates ?? emailFates(plan.paths.dir, plan.campaign);
  const hasBounced = (p: RecipientPlan) => p.to !== null && fates.unreachable.get(p.recipient.commune.code) === p.to.toLowerCase();
  // A refusal at RCPT is no bounce: the email never left, nothing « came back » (said apart).
  const bouncedOrRefused = (p: RecipientPlan) => {
    const unreachable = hasBounced(p);
    const refused = unreachable && fates.refused?.has(p.recipient.commune.code) === true;
    return { bounced: unreachable && !refused, refused };
  };
  // An email a server accepted reached its town hall, whatever a later export says of its
  // address (gone, or the record gone): printing its letter would reach it twice.
  // A letter the user said was posted (relais letters --posted) is not printed again.
  const byPost = (p: RecipientPlan) => (p.to === null || hasBounced(p)) && !fates.reached.has(p.recipient.commune.code) && !fates.posted.has(p.recipient.commune.code);
  const recipients = plan.recipients.filter((p) => (!deps.length || deps.includes(p.recipient.departement.code)) && (!wanted.size || wanted.has(p.recipient.commune.code)));
  // What decides whether a letter is drawn again names the fonts without opening them: the
  // drawing side (the font engine, pdfkit, worker threads, the images) loads below, only when a
  // letter or a print file is to be drawn. The campaign's check has read its fonts and images.
  const sources = fontSources(campaignFontChoice(campaign));
  const names = fontNames(sources);
  const issuers: Record<string, { authority: string }> = {};
  const root = plan.paths.letters;
  const manifestPath = plan.paths.manifest;
  const manifest = await readManifest(manifestPath);
  await removeStaleTemporaries(root);
  const nextManifest: Record<string, string> = { ...manifest };
  const keep = (rel: string, hash: string, path: string) => {
    nextManifest[rel] = hash;
    return !options.force && manifest[rel] === hash && existsSync(path);
  };
  // Manifest entries are named relative to out/lettres/, with forward slashes, as before.
  const entryOf = (path: string) => relative(root, path).split('\\').join('/');
  const book: PrintBook = { manifest, next: nextManifest, entryOf, keep, fontNames: names, all: options.all === true, restart: options.restart ?? [] };
  // What relais wrote for a département campagne.yaml no longer names goes, said (never printed by mistake).
  const departed = await removeDeparted(root, campaign.departements.map((d) => d.code), book);

  const letterJobs: Job[] = [];
  const printJobs: Job[] = [];
  const unchanged: string[] = [];
  const print: PrintFile[] = [];
  const removedPrint: string[] = [];
  const hashes = new Map<string, string>();
  for (const depPlan of plan.departements) {
    const dep = depPlan.departement;
    const mine = recipients.filter((p) => p.recipient.departement.code === dep.code);
    if (!mine.length) continue;
    issuers[dep.code] = { authority: depPlan.authority };
    let job: Extract<Job, { kind: 'letters' }> = { kind: 'letters', bases: {}, items: [] };
    const toPrint: PrintCandidate[] = [];
    for (const p of mine) {
      const { model: letter, key, meta } = p.letter;
      const path = p.paths.letter;
      const hash = contentHash(names, [depPlan.authority, key, letter.adresse, meta]);
      hashes.set(path, hash);
      const base = job.bases[key] ?? { ...letter, adresse: [] };
      if (options.all || byPost(p)) toPrint.push({ code: p.recipient.commune.code, key, adresse: letter.adresse, hash, base, ...bouncedOrRefused(p) });
      if (keep(entryOf(path), hash, path)) {
        unchanged.push(path);
        continue;
      }
      job.bases[key] = base;
      job.items.push({ key, dep: dep.code, adresse: letter.adresse, meta, path });
      if (job.items.length >= BATCH) {
        letterJobs.push(job);
        job = { kind: 'letters', bases: {}, items: [] };
      }
    }
    if (job.items.length) letterJobs.push(job);

    // The print file: never for a selection of communes, which would overwrite it with a part.
    if (communes.length) continue;
    if (!toPrint.length) {
      if (await dropPrintFile(depPlan.paths.print, book)) removedPrint.push(depPlan.paths.print);
      continue;
    }
    const planned = printFilePlan(dep.code, depPlan.paths.print, toPrint, book, plan, campaign.config.campagne.titre);
    print.push(planned.entry);
    if (planned.job) printJobs.push(planned.job);
  }

  const jobs = [...letterJobs, ...printJobs];
  const total = jobs.reduce((n, j) => n + jobSize(j), 0);
  const lettersTotal = letterJobs.reduce((n, j) => n + jobSize(j), 0);
  // Counted apart: a letter of a print file is drawn twice (its own file, the print file), and
  // counting both as letters told « 349 / 349 » for 325 letters.
  const printTotal = total - lettersTotal;
  let printDone = 0;
  let filesDone = 0;
  let lettersDone = 0;
  const start = performance.now();
  let lettersMs = 0;
  // Nothing to draw (every letter up to date, as on a send after the letters): no thread, as many
  // as RELAIS_WORKERS asks for the report (pool.ts workerCount), and the drawing side not loaded.
  let threads = options.workers ?? 0;
  if (jobs.length) {
    const [{ loadAssets }, { runJobs, workerCount }] = await Promise.all([import('./assets.js'), import('./pool.js')]);
    const assets = await loadAssets(campaign);
    const setup: RenderSetup = { fonts: assets.fonts, options: {} };
    for (const [dep, { authority }] of Object.entries(issuers)) {
      setup.options[dep] = {
        issuer: { authority, coIssuer: [campaign.config.ars.nom], logo: assets.logo },
        platformUrl: campaign.config.campagne.plateforme.url,
        signatureImages: { prefet: assets.signatures.prefets.get(dep), ars: assets.signatures.ars },
      };
    }
    threads = workerCount(total, options.workers);
    const running = runJobs(
      setup,
      jobs,
      threads,
      (n, kind) => {
        if (kind === 'letters') filesDone += n;
        else printDone += n;
        options.onProgress?.(filesDone, lettersTotal, printTotal ? { done: printDone, total: printTotal } : undefined);
      },
      (job, result) => {
        if (job.kind === 'letters') {
          lettersDone += job.items.length;
          if (lettersDone === lettersTotal) lettersMs = performance.now() - start;
          return;
        }
        const entry = print.find((p) => p.path === job.path)!;
        entry.pages = result.pages;
        entry.written = true;
        nextManifest[`${entryOf(entry.path)}#pages`] = String(result.pages);
      },
      options.signal,
    );
    // A worker that fails stops the others where they are (a full disk): one of them may have left
    // its temporary file; the workers are gone when runJobs settles, so it is removed here.
    await running.catch(async (err: unknown) => {
      await removeStaleTemporaries(root);
      // Stopped by a file it could not write (a full disk above all): what was written and what
      // was not is said, as after Ctrl-C — the mail room must not take a folder of letters without
      // its print file for a finished run.
      if (!(err instanceof RelaisError) || err instanceof UsageError) throw err;
      const notWritten = print.filter((p) => !p.written && printJobs.some((j) => j.kind === 'print' && j.path === p.path)).map((p) => p.path);
      throw stoppedByError(err, { written: filesDone, toWrite: lettersTotal, unchanged: unchanged.length, notWritten, campaignDir: campaign.dir });
    });
  }
  if (options.signal?.aborted) {
    // The manifest is left as it was: the next run checks every letter again and continues.
    throw new RelaisError(`interrompu : ${countOf(filesDone, 'lettre écrite', 'lettres écrites')} sur ${frenchNumber(lettersTotal)}${printJobs.some((j) => j.kind === 'print' && !print.find((p) => p.path === j.path)?.written) ? ', fichiers à imprimer pas tous écrits' : ''} ; relancez la même commande pour continuer`);
  }
  // Past the drawing, a file that cannot be written (the lists, the manifest: a disk just full)
  // leaves print files whose letters are not noted: said, with the letters written.
  const recordingFailed = (err: unknown) => {
    if (!(err instanceof RelaisError)) throw err;
    const unrecorded = print.filter((p) => p.written).map((p) => p.path);
    throw stoppedByError(err, { written: filesDone, toWrite: lettersTotal, unchanged: unchanged.length, notWritten: [], unrecorded, campaignDir: campaign.dir });
  };
  await writeAdditionsLists(print, plan.paths.dir).catch(recordingFailed);
  // Each print file's bytes, in the manifest that says which letters it holds: a file put in place
  // by a run stopped before its manifest is told apart from the one described (letters --posted).
  for (const entry of print) {
    const key = `${entryOf(entry.path)}${PRINT_FINGERPRINT}`;
    if (options.all || (!entry.written && nextManifest[key] !== undefined)) continue;
    const sum = fileFingerprint(entry.path);
    if (sum) nextManifest[key] = sum;
    else delete nextManifest[key];
  }
  await writeFileAtomic(manifestPath, JSON.stringify({ version: 1, files: nextManifest }, null, 1)).catch(recordingFailed);
  const written = letterJobs.flatMap((j) => (j.kind === 'letters' ? j.items.map((i) => i.path) : []));
  const totalMs = performance.now() - start;
  return { written, unchanged, print, removedPrint, departed, workers: Math.max(1, threads), timings: { letters: lettersMs, print: totalMs - lettersMs }, hashes };
}

/**
 * A run stopped by an error (a file it could not write): its message, then the letters written
 * (whole: each is written atomically) out of those to write, the print files not written — none
 * on disk, or the one before this run, which the manifest still describes — and what to do.
 */
export function stoppedByError(
  err: RelaisError,
  run: { written: number; toWrite: number; unchanged: number; notWritten: string[]; unrecorded?: string[]; campaignDir: string },
): RelaisError {
  const rel = (p: string) => relative(run.campaignDir, p).split('\\').join('/');
  const letters = `${countOf(run.written, 'lettre écrite', 'lettres écrites')} sur ${frenchNumber(run.toWrite)}${run.unchanged ? ` (et ${countOf(run.unchanged, 'inchangée', 'inchangées')})` : ''}`;
  const absent = run.notWritten.filter((p) => !existsSync(p));
  const older = run.notWritten.filter((p) => existsSync(p));
  const prints = [
    absent.length ? `${absent.length > 1 ? 'fichiers à imprimer pas écrits' : 'fichier à imprimer pas écrit'} : ${namedList(absent.map(rel))} (aucun fichier à imprimer pour ${absent.length > 1 ? 'ces départements' : 'ce département'} : n'imprimez pas le dossier des lettres, il contient aussi celles des mairies qui ont un courriel)` : '',
    older.length ? `${older.length > 1 ? 'fichiers à imprimer pas récrits' : 'fichier à imprimer pas récrit'} : ${namedList(older.map(rel))} (${older.length > 1 ? 'ceux sur le disque sont ceux' : 'celui sur le disque est celui'} d'avant cette exécution, sans ses changements)` : '',
    run.unrecorded?.length ? `${run.unrecorded.length > 1 ? 'fichiers à imprimer écrits mais leurs lettres pas notées' : 'fichier à imprimer écrit mais ses lettres pas notées'} : ${namedList(run.unrecorded.map(rel))} (ne ${run.unrecorded.length > 1 ? 'les ' : "l'"}imprimez pas avant d'avoir relancé : « relais letters --posted » ${run.unrecorded.length > 1 ? 'les refuse' : 'le refuse'})` : '',
  ].filter(Boolean);
  const room = /plein|trop grand|quota/.test(err.message) ? 'libérez de la place sur ce disque' : 'corrigez cela';
  const message = `${err.message.replace(/[.\s]+$/, '')}. Arrêté : ${letters}${prints.length ? ` ; ${prints.join(' ; ')}` : ''} ; ${room}, puis relancez la même commande pour continuer`;
  return new RelaisError(message, err.location, { exitCode: err.exitCode, ...(err.details ? { details: err.details } : {}), cause: err });
}
