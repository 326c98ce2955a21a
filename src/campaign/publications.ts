import { channelName } from '../channels/types.js';
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
 * A publication of the agency's own accounts written from a channel template is rendered for one
 * département (its `departement:`, else the first). When the template says something else in
 * each département (its name, its préfet, its figures), a regional post would speak of the first
 * only: that is not true of the campaign, and check says so with the way out.
 */
export function checkPublicationTexts(campaign: Campaign, plan: Plan, problems: ProblemList): void {
  const deps = campaign.departements;
  if (deps.length < 2) return;
  for (const [i, p] of (campaign.config.publications ?? []).entries()) {
    const template = publicationTemplate(p);
    if (!template || p.departement !== undefined) continue;
    const texts = deps.map((d) => ({ d, text: plan.departement(d.code)?.messages[template].texte }));
    const other = texts.find((t) => t.text !== undefined && t.text !== texts[0]!.text);
    if (!other || texts[0]!.text === undefined) continue;
    const [first, second] = around(texts[0]!.text, other.text!);
    const field = `publications.${i}.${p.modele ? 'modele' : 'canal'}`;
    problems.error(
      'publication',
      `${publicationLabel(i, p.canal, p.date)} : le modèle « ${template} » ne dit pas la même chose dans chaque département (${texts[0]!.d.nom} : « ${first} » ; ${other.d.nom} : « ${second} ») : publiée sur les comptes de l'agence, elle ne parlerait que du département ${texts[0]!.d.code}. Donnez-lui le département dont elle parle (departement: "${texts[0]!.d.code}") ou son propre texte (texte:)`,
      { file: CAMPAIGN_FILE, field, ...(campaign.lines?.has(field) ? { line: campaign.lines.get(field)! } : {}) },
      'file',
    );
  }
}
