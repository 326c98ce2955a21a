import { channelName } from '../channels/types.js';
import { campaignZone } from '../data/zones.js';
import { checkZone, parseDue } from '../delivery/time.js';
import { RelaisError } from '../errors.js';
import { publicationLabel } from '../media/declared.js';
import type { ProblemList } from '../problems.js';
import { CAMPAIGN_FILE, type Campaign } from './load.js';
import type { SocialChannel } from './messages.js';
import type { Plan } from './plan.js';

/** The channel template a publication of campagne.yaml is written from, when it has no text of its own. */
export function publicationTemplate(p: { canal: string; modele?: SocialChannel | undefined; texte?: string | undefined }): SocialChannel | undefined {
  if (p.texte !== undefined) return undefined;
  return p.modele ?? (channelName(p.canal) as SocialChannel);
}

/** A few words around where two texts part: what the user recognises of each. */
function around(a: string, b: string): [string, string] {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, a.lastIndexOf(' ', Math.max(0, i - 20)) + 1);
  const cut = (t: string) => `${from > 0 ? '…' : ''}${t.slice(from, from + 50)}${t.length > from + 50 ? '…' : ''}`;
  return [cut(a), cut(b)];
}

/**
 * Where a channel template says something else in one département than in the first: the two
 * départements and a few words of each text around where they part. Undefined when every
 * département reads the same (or the campaign has one).
 */
export function templateDiffers(campaign: Campaign, plan: Plan, template: SocialChannel) {
  const deps = campaign.departements;
  if (deps.length < 2) return undefined;
  const texts = deps.map((d) => ({ d, text: plan.departement(d.code)?.messages[template].texte }));
  const other = texts.find((t) => t.text !== undefined && t.text !== texts[0]!.text);
  if (!other || texts[0]!.text === undefined) return undefined;
  const [first, second] = around(texts[0]!.text, other.text!);
  return { texts, other, first, second };
}

/**
 * A publication of the agency's own accounts written from a channel template is rendered for one
 * département (its `departement:`, else the first). When the template says something else in
 * each département (its name, its préfet, its figures), a regional post would speak of the first
 * only: that is not true of the campaign, and check says so with the way out.
 */
export function checkPublicationTexts(campaign: Campaign, plan: Plan, problems: ProblemList): void {
  for (const [i, p] of (campaign.config.publications ?? []).entries()) {
    const template = publicationTemplate(p);
    if (!template || p.departement !== undefined) continue;
    const differs = templateDiffers(campaign, plan, template);
    if (!differs) continue;
    const { texts, first, second, other } = differs;
    const field = `publications.${i}.${p.modele ? 'modele' : 'canal'}`;
    problems.error(
      'publication',
      `${publicationLabel(i, p.canal, p.date)} : le modèle « ${template} » ne dit pas la même chose dans chaque département (${texts[0]!.d.nom} : « ${first} » ; ${other.d.nom} : « ${second} ») : publiée sur les comptes de l'agence, elle ne parlerait que du département ${texts[0]!.d.code}. Donnez-lui le département dont elle parle (departement: "${texts[0]!.d.code}") ou son propre texte (texte:)`,
      { file: CAMPAIGN_FILE, field, ...(campaign.lines?.has(field) ? { line: campaign.lines.get(field)! } : {}) },
      'file',
    );
  }
}

/**
 * The date of each publication of campagne.yaml, read as `relais run` will queue it (at the
 * campaign's zone or its own `fuseau:`): an hour the clock skips or repeats (the changes of
 * hour), a day that does not exist or a form relais does not read is refused by check, before
 * the letters and emails leave, naming the entry's line — not by the queueing step after them.
 * A past date is not an error here: the queue takes it (late ones only when asked).
 */
export function checkPublicationDates(campaign: Campaign, problems: ProblemList, now: Date): void {
  const zone = campaignZone(campaign);
  for (const [i, p] of (campaign.config.publications ?? []).entries()) {
    const at = (key: string) => {
      const field = `publications.${i}.${key}`;
      return { file: CAMPAIGN_FILE, field, ...(campaign.lines?.has(field) ? { line: campaign.lines.get(field)! } : {}) };
    };
    const tz = p.fuseau ?? zone;
    if (p.fuseau !== undefined) {
      try {
        checkZone(p.fuseau);
      } catch {
        problems.error('publication', `${publicationLabel(i, p.canal, p.date)} : fuseau « ${p.fuseau} » inconnu ; un fuseau IANA est attendu, comme Europe/Paris ou America/Cayenne`, at('fuseau'), 'file');
        continue;
      }
    }
    try {
      parseDue(p.date, tz, now, { allowPast: true });
    } catch (err) {
      if (!(err instanceof RelaisError)) throw err;
      problems.error('publication', `${publicationLabel(i, p.canal, p.date)} : ${err.message}`, at('date'), 'file');
    }
  }
}
