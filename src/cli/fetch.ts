import { frenchNumber } from '../text/format.js';
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Command } from 'commander';
import { requireCampaign, type Campaign } from '../campaign/load.js';
import { sourceConfig } from '../campaign/sources.js';
import { packageRoot } from '../paths.js';
import type { Settings } from '../settings.js';
import { ANNUAIRE_DEFAULT_URL } from '../sources/annuaire.js';
import { FETCH_FILES, fetchOfficialData, type FetchResult, type FetchSettings } from '../sources/fetch.js';
import { nodeHttpClient } from '../sources/http-node.js';
import { RNE_DEFAULT_URL } from '../sources/maires.js';
import { contextOf } from './context.js';
import { interruption } from './interrupt.js';
import type { Output } from './output.js';
import { plural } from './report.js';

/**
 * `relais fetch`: the official data of the campaign's départements, downloaded into data/ with
 * their provenance. Settings come from the environment (checked at start by src/settings.ts):
 * RELAIS_ANNUAIRE_API_URL (the Explore API v2.1 base of the DILA directory), RELAIS_RNE_URL (the
 * RNE mayors file), RELAIS_HTTP_TIMEOUT_MS (per request, body included) and RELAIS_RETRY_MS
 * (first pause before a retry, doubled each time).
 */
const SHOWN = 5;
const ATTEMPTS = 4;
const MAX_SERVER_WAIT_MS = 120_000;
const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * The fetch's settings, from those validated at start (src/settings.ts): the same rules for every
 * RELAIS_* variable. Only the timeout's default differs: a national mayors file takes longer than
 * a post.
 */
export function readFetchSettings(settings: Settings, onRetry: (message: string) => void): FetchSettings & { timeoutMs: number } {
  const base = (url: URL | undefined, fallback: string) => (url ? url.toString() : fallback).replace(/\/+$/, '');
  return {
    annuaireUrl: base(settings.sources.annuaire, ANNUAIRE_DEFAULT_URL),
    rneUrl: base(settings.sources.rne, RNE_DEFAULT_URL),
    timeoutMs: settings.httpTimeoutGiven ? settings.httpTimeoutMs : DEFAULT_TIMEOUT_MS,
    retry: {
      attempts: ATTEMPTS,
      baseMs: settings.retryMs,
      maxWaitMs: MAX_SERVER_WAIT_MS,
      onRetry: ({ url, reason, waitMs, attempt }) => onRetry(`  ${reason} pour ${url} : nouvel essai dans ${(waitMs / 1000).toLocaleString('fr-FR')} s (tentative ${attempt + 1} sur ${ATTEMPTS})`),
    },
  };
}

/**
 * While the fetched files replace the previous ones, a second Ctrl-C (the first one is
 * interruption()'s) must not end the process between two renames: a listener, even one that
 * does nothing, keeps Node from dying of the signal.
 */
function holdSignals(): () => void {
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  return () => {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', ignore);
  };
}

/** What campagne.yaml must say to read the fetched files: each `sources:` line still to set, with what it says now. */
export interface SourcesToSet {
  maires?: { fichier: string; actuel: string | null };
  mairies?: { fichier: string; actuel: string | null };
}

function sourcesToSet(campaign: Campaign): SourcesToSet | null {
  const want = { maires: `data/${FETCH_FILES.rne}`, mairies: `data/${FETCH_FILES.annuaire}` };
  const s = campaign.config.sources;
  const out: SourcesToSet = {};
  for (const key of ['maires', 'mairies'] as const) {
    const now = s[key] === undefined ? null : sourceConfig(s[key]).fichier;
    if (now === null || normalize(now) !== normalize(want[key])) out[key] = { fichier: want[key], actuel: now };
  }
  return out.maires || out.mairies ? out : null;
}

export function registerFetch(program: Command, fail: (code: number) => void): void {
  program
    .command('fetch')
    .description("télécharge les mairies (annuaire de service-public.fr) et les maires (RNE, data.gouv.fr) des départements de la campagne dans data/, avec leur provenance, et montre ce qui a changé")
    .option('--dry-run', 'télécharge et compare avec le téléchargement précédent, sans rien écrire')
    .action(async (opts: { dryRun?: boolean }, command: Command) => {
      const ctx = contextOf(command, fail);
      const settings = readFetchSettings(ctx.settings, (m) => ctx.out.note(m));
      const campaign = await requireCampaign(ctx.campaignDir);
      const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
      const interrupt = interruption();
      const result = await fetchOfficialData({
        dataDir: join(campaign.dir, 'data'),
        deps: campaign.departements.map((d) => d.code),
        dryRun: Boolean(opts.dryRun),
        now: new Date(),
        http: nodeHttpClient(settings.timeoutMs, interrupt.signal),
        settings,
        version,
        onProgress: (m) => ctx.out.note(m),
        signal: interrupt.signal,
        hold: holdSignals,
      }).finally(() => interrupt.release());
      const declare = sourcesToSet(campaign);
      if (ctx.out.json) {
        ctx.out.document({
          ok: true,
          essai: Boolean(opts.dryRun),
          departements: result.provenance.departements,
          annuaire: annuaireDoc(result),
          rne: rneDoc(result),
          precedent: {
            date: result.previous.date,
            annuaire: result.previous.annuaire,
            rne: result.previous.rne,
            // Kept apart from `changements`: the differences with a hand-edited file are mostly the agent's corrections.
            modifies_a_la_main: result.previous.handEdited.map((e) => ({ ...e, differences: e.fichier === `data/${FETCH_FILES.annuaire}` ? result.changes.corrections.mairies : result.changes.corrections.maires })),
          },
          changements: { mairies: result.changes.mairies, maires: result.changes.maires },
          ecrits: result.written,
          sources_a_declarer: declare,
          campagne_prete: declare === null,
          provenance: result.provenance,
        });
        return;
      }
      report(ctx.out, result, Boolean(opts.dryRun), declare);
    });
}

/** The --json document speaks French, like provenance.json. */
function annuaireDoc(r: FetchResult) {
  const a = r.annuaire;
  return { url: a.url, requetes: a.urls, date_des_donnees: a.dataDate, derniere_modification: a.latestRecord, fiches_recues: a.received, mairies: a.mairies, communes: a.communes, communes_des_departements: a.communesOfDepartements, communes_sans_mairie: a.withoutTownHall, ecartees: a.setAside, rejetees: a.rejected, rejets: a.rejects.map((r) => ({ fiche: r.index, id: r.id, raison: r.reason })) };
}

function rneDoc(r: FetchResult) {
  const { counts: c, ...n } = r.rne;
  return { url: n.url, url_du_fichier: n.finalUrl, fichier: n.fileName, date_des_donnees: n.dataDate, encodage: n.encoding, lignes_lues: c.read, gardees: c.kept, autres_departements: c.setAside, rejetees: c.rejected };
}

const day = (iso: string | null) => (iso ? new Date(iso.length === 19 ? `${iso}Z` : iso).toLocaleDateString('fr-FR', { timeZone: 'UTC' }) : 'date non fournie');

/** The first rejected record with its reason; every one is in --json. */
function rejectExample(r: FetchResult): string {
  const first = r.annuaire.rejects[0]!;
  const more = r.annuaire.rejected > 1 ? ' ; toutes dans --json' : '';
  return `n° ${first.index}${first.id ? `, id ${first.id}` : ''} : ${first.reason}${more}`;
}

function report(out: Output, r: FetchResult, dryRun: boolean, declare: SourcesToSet | null): void {
  const aside = Object.entries(r.annuaire.setAside).map(([k, n]) => `${frenchNumber(n)} ${k}`);
  out.line(
    `Annuaire de l'administration (DILA) : ${plural(r.annuaire.mairies, 'mairie')} pour ${plural(r.annuaire.communes, 'commune')}, données du ${day(r.annuaire.dataDate)}` +
      (aside.length ? ` ; écartés : ${aside.join(', ')}` : '') +
      (r.annuaire.rejected ? ` ; ${plural(r.annuaire.rejected, 'fiche')} rejetée${r.annuaire.rejected > 1 ? 's' : ''} — ${rejectExample(r)}` : ''),
  );
  const missing = r.annuaire.withoutTownHall;
  if (missing.length) {
    const examples = missing.slice(0, SHOWN).map((m) => `${m.insee} ${m.nom}`).join(', ');
    out.line(
      out.colors.yellow(
        `! ${plural(missing.length, 'commune')} des départements (sur ${frenchNumber(r.annuaire.communesOfDepartements)}) sans mairie dans l'annuaire reçu : leurs lettres partiront par courrier, sans courriel ; si ces mairies sont dans l'annuaire, relancez « relais fetch » (${examples}${missing.length > SHOWN ? ', … ; toutes dans --json' : ''})`,
      ),
    );
  }
  const c = r.rne.counts;
  out.line(
    `Répertoire national des élus : ${r.rne.fileName} du ${day(r.rne.dataDate)}, ${plural(c.kept, 'maire')} gardé${c.kept > 1 ? 's' : ''} sur ${plural(c.read, 'ligne')} (${frenchNumber(c.setAside)} d'autres départements${c.rejected ? `, ${frenchNumber(c.rejected)} ${c.rejected > 1 ? 'rejetées' : 'rejetée'}` : ''})`,
  );
  out.line();
  printChanges(out, r, dryRun);
  out.line();
  if (dryRun) out.line('Essai (--dry-run) : rien n’a été écrit.');
  else out.line(`Écrit : ${r.written.join(', ')} (Licence Ouverte : la mention de la source à citer est dans data/${FETCH_FILES.provenanceMd})`);
  out.line();
  if (!declare) {
    out.line(`campagne.yaml lit déjà ${dryRun ? 'ces fichiers' : 'les fichiers écrits'} (sources.maires : data/${FETCH_FILES.rne}, sources.mairies : data/${FETCH_FILES.annuaire}) : la campagne est prête, vérifiez-la avec « relais check ».`);
    return;
  }
  // YAML lines, ready to paste under `sources:`; what each replaces rides along as a YAML comment.
  out.line(`Pour que la campagne lise ${dryRun ? 'ces fichiers (une fois téléchargés sans --dry-run)' : 'ces fichiers'}, mettez dans campagne.yaml, sous « sources: » (relais ne le modifie pas) :`);
  out.line('  sources:');
  for (const key of ['maires', 'mairies'] as const) {
    const d = declare[key];
    if (d) out.line(`    ${key}: ${d.fichier}${d.actuel ? `  # au lieu de ${d.actuel}` : ''}`);
  }
  const ready = !declare.maires ? 'maires' : !declare.mairies ? 'mairies' : undefined;
  if (ready) out.line(`(« ${ready}: ${ready === 'maires' ? `data/${FETCH_FILES.rne}` : `data/${FETCH_FILES.annuaire}`} » y est déjà.)`);
}

function list<T>(out: Output, items: T[], show: (item: T) => string): void {
  for (const item of items.slice(0, SHOWN)) out.line(`    ${show(item)}`);
  if (items.length > SHOWN) out.line(`    … et ${plural(items.length - SHOWN, 'autre')} (toutes dans --json)`);
}

function printTownHalls(out: Output, mairies: NonNullable<FetchResult['changes']['mairies']>, label: string): void {
  if (!mairies.ajoutees.length && !mairies.retirees.length && !mairies.courriels.length) {
    out.line(`  ${label} : aucune différence.`);
    return;
  }
  out.line(`  ${label} : ${plural(mairies.ajoutees.length, 'ajoutée')}, ${plural(mairies.retirees.length, 'retirée')}, ${plural(mairies.courriels.length, 'courriel changé', 'courriels changés')}`);
  list(out, mairies.ajoutees, (m) => `+ ${m.insee} ${m.nom}${m.apres ? ` (${m.apres})` : ' (sans courriel)'}`);
  list(out, mairies.retirees, (m) => `− ${m.insee} ${m.nom}`);
  list(out, mairies.courriels, (m) => `${m.insee} ${m.nom} : ${m.avant || '(aucun)'} → ${m.apres || '(aucun)'}`);
}

function printMayors(out: Output, maires: NonNullable<FetchResult['changes']['maires']>, label: string): void {
  if (!maires.changes.length && !maires.ajoutes.length && !maires.retires.length) {
    out.line(`  ${label} : aucune différence.`);
    return;
  }
  out.line(`  ${label} : ${plural(maires.changes.length, 'changé')}, ${plural(maires.ajoutes.length, 'ajouté')}, ${plural(maires.retires.length, 'retiré')}`);
  list(out, maires.changes, (m) => `${m.insee} ${m.commune} : ${m.avant} → ${m.apres}`);
  list(out, maires.ajoutes, (m) => `+ ${m.insee} ${m.commune} : ${m.apres}`);
  list(out, maires.retires, (m) => `− ${m.insee} ${m.commune} : ${m.avant}`);
}

function printChanges(out: Output, r: FetchResult, dryRun: boolean): void {
  const { mairies, maires, corrections } = r.changes;
  const edited = r.previous.handEdited;
  if (!mairies && !maires && !edited.length) {
    out.line('Premier téléchargement : rien à comparer.');
    return;
  }
  // Without provenance.json the files in data/ were put there by hand (the sample's directory export, say).
  out.line(r.previous.date ? `Changements depuis le téléchargement précédent (${day(r.previous.date)}) :` : 'Changements depuis les fichiers déjà présents dans data/ :');
  const handEdited = (fichier: string) => edited.find((e) => e.fichier === fichier);
  // An unreadable file is said so first (it may also have been edited: then it is copied aside, below).
  const editedLine = (what: string, e: FetchResult['previous']['handEdited'][number]) =>
    `  ${what} : ${e.certain ? 'fichier modifié à la main' : 'fichier peut-être modifié à la main'}, rien à comparer avec la source (voir plus bas).`;
  const editedAnnuaire = handEdited(`data/${FETCH_FILES.annuaire}`);
  const editedRne = handEdited(`data/${FETCH_FILES.rne}`);
  if (r.previous.annuaire !== 'illisible' && editedAnnuaire) out.line(editedLine('Mairies', editedAnnuaire));
  else if (!mairies) out.line(`  Mairies : fichier précédent ${r.previous.annuaire === 'illisible' ? 'illisible' : 'absent'}, rien à comparer.`);
  else if (!mairies.ajoutees.length && !mairies.retirees.length && !mairies.courriels.length) out.line('  Mairies : aucun changement.');
  else printTownHalls(out, mairies, 'Mairies');
  if (r.previous.rne !== 'illisible' && editedRne) out.line(editedLine('Maires', editedRne));
  else if (!maires) out.line(`  Maires : fichier précédent ${r.previous.rne === 'illisible' ? 'illisible' : 'absent'}, rien à comparer.`);
  else if (!maires.changes.length && !maires.ajoutes.length && !maires.retires.length) out.line('  Maires : aucun changement.');
  else printMayors(out, maires, 'Maires');
  // The edited files: what the new download undoes (the corrections, and perhaps changes of the
  // source: the version downloaded last time is gone, the two cannot be told apart).
  for (const e of edited) {
    out.line();
    out.line(
      out.colors.yellow(
        (e.certain
          ? `! ${e.fichier} a été modifié à la main depuis son téléchargement${r.previous.date ? ` du ${day(r.previous.date)}` : ''} : `
          : // A provenance.json of a relais of before records no hash: a correction and a change of the source look alike.
            `! ${e.fichier} diffère du nouveau téléchargement, et le provenance.json du téléchargement précédent${r.previous.date ? ` (${day(r.previous.date)})` : ''}, écrit par une version antérieure de relais, n'en garde pas l'empreinte : relais ne peut pas savoir s'il a été modifié à la main ou si la source a changé ; ` ) +
          (dryRun
            ? 'sans --dry-run, il sera remplacé par le nouveau téléchargement, après en avoir gardé une copie.'
            : `il est remplacé par le nouveau téléchargement ; votre version est conservée dans ${e.copie}.`) +
          ' Chaque « relais fetch » remplace ce fichier par les données officielles : une correction qui n\'est pas faite à la source est à refaire.',
      ),
    );
    const isAnnuaire = e.fichier === `data/${FETCH_FILES.annuaire}`;
    const label = e.certain
      ? 'Différences entre votre version et le nouveau téléchargement (vos corrections, et les changements éventuels de la source)'
      : 'Différences entre votre version et le nouveau téléchargement (vos corrections éventuelles, ou des changements de la source)';
    if (isAnnuaire && corrections.mairies) printTownHalls(out, corrections.mairies, label);
    if (!isAnnuaire && corrections.maires) printMayors(out, corrections.maires, label);
  }
}
