import { createHash } from 'node:crypto';
import { placeAndDate } from '../text/format.js';
import type { TemplateSet } from '../text/templates.js';
import type { DepartementContext } from './context.js';
import { CHANNEL_LABELS, renderMessages, renderText, withMessages, type RenderedMessage, type SocialChannel } from './messages.js';

/**
 * A letter as data: what the PDF layout and the text preview both draw from. The body keeps the
 * template's light markup: paragraphs separated by blank lines, links as [texte](adresse).
 */
export interface Signature {
  nom: string;
  titre: string[];
  image?: string | undefined;
}

export interface LetterModel {
  lieuDate: string;
  objet: string;
  adresse: string[];
  paragraphs: string[];
  signatures: [Signature, Signature];
  annexe: RenderedMessage[];
  /** Lines under the annex's table: the campaign's supports (the video, as a link with its size). */
  supports?: string[];
}

/** Lines grouped into paragraphs at blank lines (a plain loop: regexes here cost 100 µs a letter). */
export function splitParagraphs(body: string): string[] {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of body.split('\n')) {
    const text = line.trim();
    if (text) current.push(text);
    else if (current.length) {
      paragraphs.push(current.join(' '));
      current = [];
    }
  }
  if (current.length) paragraphs.push(current.join(' '));
  return paragraphs;
}

/** [texte](adresse) → texte: how a link reads on paper and in plain text. */
export function stripLinks(text: string): string {
  return text.replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1');
}

export function buildLetter(
  set: TemplateSet,
  context: DepartementContext & { mairie: { adresse: string[] } },
  messages: Record<SocialChannel, RenderedMessage> = renderMessages(set, context),
  images: { prefet?: string | undefined; ars?: string | undefined } = {},
): LetterModel {
  const body = renderText(set, 'lettre', withMessages(context, messages));
  const ars = context.ars.signataire;
  return {
    lieuDate: placeAndDate(context.departement.ville, context.campagne.date),
    objet: context.campagne.objet,
    adresse: context.mairie.adresse,
    paragraphs: splitParagraphs(body),
    signatures: [
      { nom: `${context.prefet.prenom} ${context.prefet.nom}`, titre: context.prefet.titre.split('\n'), image: images.prefet },
      { nom: `${ars.prenom} ${ars.nom}`, titre: ars.titre.split('\n'), image: images.ars },
    ],
    annexe: (Object.keys(messages) as SocialChannel[]).map((c) => messages[c]),
    supports: supportLines(context),
  };
}

/**
 * Everything but the address: the key under which letters share a base (one drawing of the body
 * for all the communes that read the same letter), and half of what decides a redraw. A digest of
 * it, not the text: the plan keeps one per distinct letter, and a letter personalised per commune
 * made 35,000 keys of 4,000 characters (290 MB) nationally.
 */
export function letterKey(letter: LetterModel): string {
  const text = JSON.stringify([letter.lieuDate, letter.objet, letter.paragraphs, letter.signatures, letter.annexe.map((m) => [m.channel, m.texte, m.compte]), letter.supports ?? []]);
  return createHash('sha256').update(text).digest('base64url');
}

/** The video offered in the annex: its address and size, never the file itself. */
export function supportLines(context: Pick<DepartementContext, 'video' | 'ars'>): string[] {
  const v = context.video;
  if (!v) return [];
  return [`${v.titre ?? 'Vidéo de la campagne pour les réseaux sociaux'} (MP4, ${v.taille}) : ${v.lien ?? `à demander à l'${context.ars.sigle}`}`];
}

// No-break spaces before the colons, as French sets them: the colon never starts a line.
export const ANNEX_TITLE = 'Annexe\u00a0: proposition de messages à destination de la population';
export const OBJECT_LABEL = 'Objet\u00a0:';

/** The letter as plain text (preview, golden tests). */
export function letterText(letter: LetterModel): string {
  const lines = [
    letter.lieuDate,
    '',
    ...letter.adresse,
    '',
    `Objet : ${letter.objet}`,
    '',
    ...letter.paragraphs.flatMap((p) => [stripLinks(p), '']),
    ...letter.signatures.flatMap((s) => [s.nom, ...s.titre, '']),
    ANNEX_TITLE,
    '',
    ...letter.annexe.flatMap((m) => [m.compte ? `${CHANNEL_LABELS[m.channel]} (${m.compte})` : CHANNEL_LABELS[m.channel], m.texte, '']),
    ...(letter.supports ?? []),
  ];
  return lines.join('\n').trimEnd() + '\n';
}
