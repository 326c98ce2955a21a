import { readFile } from 'node:fs/promises';
import { systemReason } from '../errors.js';
import { checkChannel, type Channel, type ChannelResult } from '../channels/index.js';
import type { ProblemList } from '../problems.js';
import { TemplateError, TemplateSet, type TemplateSource } from '../text/templates.js';
import { frenchNumber, plural, type NumberSpace } from '../text/format.js';
import { TEMPLATE_NAMES, type TemplateName } from './schema.js';
import { campaignPath, displayPath, type Campaign } from './load.js';

/**
 * Rendering every text of a campaign: the four channel messages (which are also the letter's
 * annex), the letter body and the email. Channel texts are checked against their channel's rule
 * on every render; identical texts are checked once (most recipients share them).
 */
export const SOCIAL_CHANNELS = ['twitter', 'facebook', 'linkedin', 'sms'] as const;
export type SocialChannel = (typeof SOCIAL_CHANNELS)[number];

export const CHANNEL_LABELS: Record<SocialChannel, string> = { twitter: 'Twitter', facebook: 'Facebook', linkedin: 'LinkedIn', sms: 'SMS' };

const SPACES: Partial<Record<TemplateName, NumberSpace>> = { twitter: 'x', sms: 'sms' };

export function templatePath(campaign: Campaign, name: TemplateName): string {
  return campaign.config.modeles?.[name] ?? `templates/${name.replace(/_/g, '-')}.hbs`;
}

/** Reads and compiles the campaign's templates; a problem per unreadable or invalid template. */
export async function loadTemplates(campaign: Campaign, problems: ProblemList): Promise<TemplateSet | undefined> {
  const sources: TemplateSource[] = [];
  for (const name of TEMPLATE_NAMES) {
    const path = templatePath(campaign, name);
    const file = displayPath(campaign, path);
    try {
      const source = await readFile(campaignPath(campaign, path), 'utf8');
      sources.push({ name, file, source, html: name === 'courriel_html', space: SPACES[name] ?? 'document' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.error('modele', code === 'ENOENT' ? `modèle introuvable : ${file}` : `modèle illisible : ${file} (${systemReason(err) ?? code})`, { file, field: `modeles.${name}` }, 'file');
    }
  }
  if (sources.length < TEMPLATE_NAMES.length) return undefined;
  // Every broken template is reported, not only the first.
  const errors: TemplateError[] = [];
  const set = new TemplateSet(sources, errors);
  for (const err of errors) problems.error('modele', err.message, { file: err.file, ...(err.line === undefined ? {} : { line: err.line }) }, 'file');
  return errors.length === 0 ? set : undefined;
}

export interface RenderedMessage {
  channel: SocialChannel;
  texte: string;
  /** Every technical detail (encoding, weighted length, limit), for check, preview and posts. */
  result: ChannelResult;
  /** What the annex tells a mayor: see annexCount. */
  compte: string;
}

/**
 * The count printed for mayors beside each message of the annex, in their words: "3 SMS" (what an
 * alert service bills), "271 caractères sur 280" for X (what a post may hold), and nothing for
 * Facebook and LinkedIn, whose limits no campaign message comes near. Encodings and limits of
 * 63 206 characters are jargon on a town hall's desk.
 */
export function annexCount(result: ChannelResult): string {
  switch (result.channel) {
    case 'sms':
      return `${frenchNumber(result.parts ?? 0)} SMS`;
    case 'twitter':
      return `${frenchNumber(result.length)} ${plural(result.length, 'caractère')} sur ${frenchNumber(result.limit)}`;
    default:
      return '';
  }
}

/** How a text is measured against its channel's rule: the plan passes one that remembers texts it has seen. */
export type Measure = (channel: Channel, text: string) => ChannelResult;

/**
 * A measure that checks each distinct text once, for the life of one plan (most recipients share
 * their texts). Owned by its caller, never module-wide: nothing outlives the command.
 */
export function measurer(): Measure {
  const known = new Map<string, ChannelResult>();
  return (channel, text) => {
    const key = `${channel}\u0000${text}`;
    let r = known.get(key);
    if (!r) {
      r = checkChannel(channel, text);
      known.set(key, r);
    }
    return r;
  };
}

/** Template output is trimmed: a final newline in the file is not part of a tweet. */
export function renderText(set: TemplateSet, name: TemplateName, context: object): string {
  return set.render(name, context).trim();
}

export function renderMessages(set: TemplateSet, context: object, measure: Measure = checkChannel): Record<SocialChannel, RenderedMessage> {
  const out = {} as Record<SocialChannel, RenderedMessage>;
  for (const channel of SOCIAL_CHANNELS) {
    const texte = renderText(set, channel, context);
    const result = measure(channel, texte);
    out[channel] = { channel, texte, result, compte: annexCount(result) };
  }
  return out;
}

export interface RenderedEmail {
  objet: string;
  texte: string;
  html: string;
  objetResult: ChannelResult;
}

/** The letter and the email see the messages of the annex: `messages.sms.texte`, `.compte`. */
export function withMessages<T extends object>(context: T, messages: Record<SocialChannel, RenderedMessage>) {
  return { ...context, messages: Object.fromEntries(SOCIAL_CHANNELS.map((c) => [c, { texte: messages[c].texte, compte: messages[c].compte }])) };
}

export function renderEmail(set: TemplateSet, context: object, measure: Measure = checkChannel): RenderedEmail {
  // Line breaks and runs of blanks become one space; French non-breaking spaces stay.
  const objet = renderText(set, 'courriel_objet', context).replace(/[ \t\r\n]+/g, ' ');
  return { objet, texte: renderText(set, 'courriel_texte', context), html: set.render('courriel_html', context), objetResult: measure('courriel-objet', objet) };
}
