import { result, type ChannelResult } from './types.js';

/**
 * LinkedIn's Posts API reads `commentary` as "little text": its reserved characters must be
 * escaped with a backslash or the post is silently cut at the first one. Hashtags stay hashtags
 * through the little-text template `{hashtag|\#|mot}`.
 */
export const LINKEDIN_LIMIT = 3000;
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;
const HASHTAG = /(^|[^\p{L}\p{N}_])#([\p{L}\p{N}_]+)/gu;

export function escapeLittleText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(HASHTAG)) {
    const start = (m.index ?? 0) + (m[1]?.length ?? 0);
    out += text.slice(last, start).replace(RESERVED, (c) => `\\${c}`);
    out += `{hashtag|\\#|${(m[2] ?? '').replace(RESERVED, (c) => `\\${c}`)}}`;
    last = start + 1 + (m[2]?.length ?? 0);
  }
  return out + text.slice(last).replace(RESERVED, (c) => `\\${c}`);
}

export function checkLinkedin(text: string): ChannelResult {
  const escaped = escapeLittleText(text);
  const problems: ChannelResult['problems'] = [];
  if (text.trim() === '') problems.push({ severity: 'error', message: 'message vide' });
  // The limit applies to what LinkedIn receives, escapes included.
  if (escaped.length > LINKEDIN_LIMIT) {
    problems.push({ severity: 'error', message: `${escaped.length} caractères une fois échappés : ${escaped.length - LINKEDIN_LIMIT} de trop (limite ${LINKEDIN_LIMIT})` });
  }
  return result('linkedin', escaped.length, LINKEDIN_LIMIT, problems);
}
