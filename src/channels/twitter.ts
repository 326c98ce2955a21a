// The one function used, from its own module: the package's index costs a tenth of relais's start.
import parseTweet from 'twitter-text/dist/parseTweet.js';
import { result, type ChannelResult } from './types.js';

/**
 * X (Twitter) weighted length, twitter-text v3 rules: NFC, weight 1 for Latin and common
 * punctuation ranges, 2 otherwise, every URL 23, emoji 2; limit 280. The `twitter-text` package
 * is the reference implementation but unmaintained: it stays behind this one function, pinned
 * by golden tests, so it can be replaced without touching anything else.
 */
export const X_LIMIT = 280;

export function checkTwitter(text: string): ChannelResult {
  const parsed = parseTweet(text);
  const problems: ChannelResult['problems'] = [];
  if (text.trim() === '') problems.push({ severity: 'error', message: 'message vide' });
  if (parsed.weightedLength > X_LIMIT) {
    problems.push({ severity: 'error', message: `${parsed.weightedLength} caractères pondérés : ${parsed.weightedLength - X_LIMIT} de trop (limite ${X_LIMIT})` });
  }
  return result('twitter', parsed.weightedLength, X_LIMIT, problems, { weightedLength: parsed.weightedLength });
}
