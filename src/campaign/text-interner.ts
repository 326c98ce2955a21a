import { SOCIAL_CHANNELS, type RenderedEmail, type RenderedMessage, type SocialChannel } from './messages.js';

export interface TextInterner {
  paragraph: (paragraph: string) => string;
  messages: (messages: Record<SocialChannel, RenderedMessage>) => Record<SocialChannel, RenderedMessage>;
  email: (email: RenderedEmail) => RenderedEmail;
  /** A small value (signatures, supports) equal to one seen before: that one. */
  same: <T>(kind: string, value: T) => T;
}

/**
 * Letters personalised per commune make each commune a case of its own, rendered on its own: its
 * body's paragraphs are slices of it that keep the whole body alive, and its messages and email,
 * the same as its neighbours' when their templates do not name the commune, were held once per
 * commune with their counts (nationally, personalised: 130 MB), and so were its signatures. One
 * copy of each distinct text is kept instead. A paragraph's copy through JSON makes a string of its own, not a slice. A message's
 * counts and an email's follow from its text alone: the first rendering of a text stands for all.
 */
export function textInterner(): TextInterner {
  const paragraphs = new Map<string, string>();
  const messages = new Map<string, Record<SocialChannel, RenderedMessage>>();
  const emails = new Map<string, RenderedEmail>();
  const values = new Map<string, unknown>();
  return {
    paragraph: (paragraph) => {
      let own = paragraphs.get(paragraph);
      if (own === undefined) {
        own = JSON.parse(JSON.stringify(paragraph)) as string;
        paragraphs.set(own, own);
      }
      return own;
    },
    messages: (rendered) => {
      const key = SOCIAL_CHANNELS.map((c) => rendered[c].texte).join('\u0000');
      const own = messages.get(key);
      if (own) return own;
      messages.set(key, rendered);
      return rendered;
    },
    email: (e) => {
      const key = `${e.objet}\u0000${e.texte}\u0000${e.html}`;
      const own = emails.get(key);
      if (own) return own;
      emails.set(key, e);
      return e;
    },
    same: <T>(kind: string, value: T): T => {
      const key = `${kind}\u0000${JSON.stringify(value)}`;
      if (values.has(key)) return values.get(key) as T;
      values.set(key, value);
      return value;
    },
  };
}
