import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Command } from 'commander';
import { requireCampaign, type Campaign } from '../campaign/load.js';
import { sourceConfig } from '../campaign/sources.js';
import { RelaisError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { ANNUAIRE_DEFAULT_URL } from '../sources/annuaire.js';
import { FETCH_FILES, fetchOfficialData, type FetchResult, type FetchSettings } from '../sources/fetch.js';
import { nodeHttpClient } from '../sources/http.js';
import { RNE_DEFAULT_URL } from '../sources/maires.js';
import { contextOf } from './context.js';
import type { Output } from './output.js';
import { plural } from './report.js';

/**
 * `relais fetch`: the official data of the campaign's départements, downloaded into data/ with
 * their provenance. Settings come from the environment, read and checked here once:
 * RELAIS_ANNUAIRE_API_URL (the Explore API v2.1 base of the DILA directory), RELAIS_RNE_URL (the
 * RNE mayors file), RELAIS_HTTP_TIMEOUT_MS (per request, body included) and RELAIS_RETRY_MS
 * (first pause before a retry, doubled each time).
 */
const SHOWN = 5;
const ATTEMPTS = 4;
const MAX_SERVER_WAIT_MS = 120_000;
const DEFAULT_TIMEOUT_MS = 120_000;

function urlSetting(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RelaisError(`${name} illisible : une adresse http:// ou https:// est attendue`, { field: name });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RelaisError(`${name} : protocole « ${url.protocol.replace(/:$/, '')} » inconnu (http ou https attendu)`, { field: name });
  if (url.username || url.password) throw new RelaisError(`${name} : l'adresse ne doit contenir ni identifiant ni mot de passe`, { field: name });
  return raw.replace(/\/+$/, '');
}

function msSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new RelaisError(`${name} : un nombre de millisecondes est attendu (lu : « ${raw} »)`, { field: name });
  return n;
}

export function readFetchSettings(env: NodeJS.ProcessEnv, onRetry: (message: string) => void): FetchSettings & { timeoutMs: number } {
  return {
    annuaireUrl: urlSetting(env, 'RELAIS_ANNUAIRE_API_URL', ANNUAIRE_DEFAULT_URL),
    rneUrl: urlSetting(env, 'RELAIS_RNE_URL', RNE_DEFAULT_URL),
    timeoutMs: msSetting(env, 'RELAIS_HTTP_TIMEOUT_MS', DEFAULT_TIMEOUT_MS),
    retry: {
      attempts: ATTEMPTS,
      baseMs: msSetting(env, 'RELAIS_RETRY_MS', 2000),
      maxWaitMs: MAX_SERVER_WAIT_MS,
      onRetry: ({ url, reason, waitMs, attempt }) => onRetry(`  ${reason} pour ${url} : nouvel essai dans ${(waitMs / 1000).toLocaleString('fr-FR')} s (tentative ${attempt + 1} sur ${ATTEMPTS})`),
    },
  };
}

/** The `sources:` entries campagne.yaml needs to read these files, when it does not already. */
function sourcesToDeclare(campaign: Campaign): { maires: string; mairies: string } | null {
  const want = { maires: `data/${FETCH_FILES.rne}`, mairies: `data/${FETCH_FILES.annuaire}` };
  const s = campaign.config.sources;
  const same = (value: Parameters<typeof sourceConfig>[0] | undefined, path: string) => value !== undefined && normalize(sourceConfig(value).fichier) === normalize(path);
  return same(s.maires, want.maires) && same(s.mairies, want.mairies) ? null : want;
}

export function registerFetch(program: Command, fail: (code: number) => void): void {
  program
    .command('fetch')
    .description("télécharge les mairies (annuaire de service-public.fr) et les maires (RNE, data.gouv.fr) des départements de la campagne dans data/, avec leur provenance, et montre ce qui a changé")
    .option('--dry-run', 'télécharge et compare avec le téléchargement précédent, sans rien écrire')
    .action(async (opts: { dryRun?: boolean }, command: Command) => {
      const ctx = contextOf(command, fail);
      const settings = readFetchSettings(process.env, (m) => ctx.out.note(m));
      const campaign = await requireCampaign(ctx.campaignDir);
      const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
      const result = await fetchOfficialData({
        dataDir: join(campaign.dir, 'data'),
        deps: campaign.departements.map((d) => d.code),
        dryRun: Boolean(opts.dryRun),
        now: new Date(),
        http: nodeHttpClient(settings.timeoutMs),
        settings,
        version,
        onProgress: (m) => ctx.out.note(m),
      });
      const declare = sourcesToDeclare(campaign);
      if (ctx.out.json) {
        ctx.out.document({
          ok: true,
          essai: Boolean(opts.dryRun),
          departements: result.provenance.departements,
          annuaire: annuaireDoc(result),
          rne: rneDoc(result),
          precedent: result.previous,
          changements: result.changes,
          ecrits: result.written,
          sources_a_declarer: declare,
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
  return { url: a.url, requetes: a.urls, date_des_donnees: a.dataDate, derniere_modification: a.latestRecord, fiches_recues: a.received, mairies: a.mairies, communes: a.communes, ecartees: a.setAside, rejetees: a.rejected };
}

function rneDoc(r: FetchResult) {
  const { counts: c, ...n } = r.rne;
  return { url: n.url, url_du_fichier: n.finalUrl, fichier: n.fileName, date_des_donnees: n.dataDate, encodage: n.encoding, lignes_lues: c.read, gardees: c.kept, autres_departements: c.setAside, rejetees: c.rejected };
}

const day = (iso: string | null) => (iso ? new Date(iso.length === 19 ? `${iso}Z` : iso).toLocaleDateString('fr-FR', { timeZone: 'UTC' }) : 'date non fournie');

function report(out: Output, r: FetchResult, dryRun: boolean, declare: { maires: string; mairies: string } | null): void {
  const aside = Object.entries(r.annuaire.setAside).map(([k, n]) => `${n} ${k}`);
  out.line(
    `Annuaire de l'administration (DILA) : ${plural(r.annuaire.mairies, 'mairie')} pour ${plural(r.annuaire.communes, 'commune')}, données du ${day(r.annuaire.dataDate)}` +
      (aside.length ? ` ; écartés : ${aside.join(', ')}` : '') +
      (r.annuaire.rejected ? ` ; ${plural(r.annuaire.rejected, 'fiche')} sans code INSEE rejetée${r.annuaire.rejected > 1 ? 's' : ''}` : ''),
  );
  const c = r.rne.counts;
  out.line(
    `Répertoire national des élus : ${r.rne.fileName} du ${day(r.rne.dataDate)}, ${plural(c.kept, 'maire')} gardé${c.kept > 1 ? 's' : ''} sur ${plural(c.read, 'ligne')} (${c.setAside} d'autres départements${c.rejected ? `, ${c.rejected} rejetée${c.rejected > 1 ? 's' : ''}` : ''})`,
  );
  out.line();
  printChanges(out, r);
  out.line();
  if (dryRun) out.line('Essai (--dry-run) : rien n’a été écrit.');
  else out.line(`Écrit : ${r.written.join(', ')} (Licence Ouverte : la mention de la source à citer est dans data/${FETCH_FILES.provenanceMd})`);
  if (declare) {
    out.line();
    out.line('Pour que la campagne lise ces fichiers, indiquez dans campagne.yaml (il n’a pas été modifié) :');
    out.line('  sources:');
    out.line(`    maires: ${declare.maires}`);
    out.line(`    mairies: ${declare.mairies}`);
  }
}

function list<T>(out: Output, items: T[], show: (item: T) => string): void {
  for (const item of items.slice(0, SHOWN)) out.line(`    ${show(item)}`);
  if (items.length > SHOWN) out.line(`    … et ${items.length - SHOWN} autres (toutes dans --json)`);
}

function printChanges(out: Output, r: FetchResult): void {
  const { mairies, maires } = r.changes;
  if (!mairies && !maires) {
    out.line('Premier téléchargement : rien à comparer.');
    return;
  }
  out.line(`Changements depuis le téléchargement précédent${r.previous.date ? ` (${day(r.previous.date)})` : ''} :`);
  if (!mairies) out.line(`  Mairies : fichier précédent ${r.previous.annuaire === 'illisible' ? 'illisible' : 'absent'}, rien à comparer.`);
  else if (!mairies.ajoutees.length && !mairies.retirees.length && !mairies.courriels.length) out.line('  Mairies : aucun changement.');
  else {
    out.line(`  Mairies : ${plural(mairies.ajoutees.length, 'ajoutée')}, ${plural(mairies.retirees.length, 'retirée')}, ${plural(mairies.courriels.length, 'courriel changé', 'courriels changés')}`);
    list(out, mairies.ajoutees, (m) => `+ ${m.insee} ${m.nom}${m.apres ? ` (${m.apres})` : ' (sans courriel)'}`);
    list(out, mairies.retirees, (m) => `− ${m.insee} ${m.nom}`);
    list(out, mairies.courriels, (m) => `${m.insee} ${m.nom} : ${m.avant || '(aucun)'} → ${m.apres || '(aucun)'}`);
  }
  if (!maires) out.line(`  Maires : fichier précédent ${r.previous.rne === 'illisible' ? 'illisible' : 'absent'}, rien à comparer.`);
  else if (!maires.changes.length && !maires.ajoutes.length && !maires.retires.length) out.line('  Maires : aucun changement.');
  else {
    out.line(`  Maires : ${plural(maires.changes.length, 'changé')}, ${plural(maires.ajoutes.length, 'ajouté')}, ${plural(maires.retires.length, 'retiré')}`);
    list(out, maires.changes, (m) => `${m.insee} ${m.commune} : ${m.avant} → ${m.apres}`);
    list(out, maires.ajoutes, (m) => `+ ${m.insee} ${m.commune} : ${m.apres}`);
    list(out, maires.retires, (m) => `− ${m.insee} ${m.commune} : ${m.avant}`);
  }
}
