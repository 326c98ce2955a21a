import { retryAfterMs } from '../retry-after.js';

/**
 * When a social network lets relais try again after a 429, from the headers of its answer: the
 * scheduler defers the post to that time, and says so only when the network gave one. Pure: the
 * time is a parameter.
 */

/** One header of an answer, whichever way the library hands them over (fetch's Headers, Node's object). */
export type HeaderOf = (name: string) => string | null | undefined;

/**
 * The furthest a network's answer may hold a post back: X's longest window is a day. A reset years
 * away (a broken header, a gateway's error) would keep the post queued without a word; past this,
 * the post is tried again then, and the network says again how long to wait.
 */
export const MAX_DEFERRAL_MS = 48 * 3600_000;

/** A time in milliseconds as a Date, at most MAX_DEFERRAL_MS after now; undefined when no Date can hold it (a reset of 10^20: no time). */
function dateAt(ms: number, now: number): Date | undefined {
  if (Number.isNaN(new Date(ms).getTime())) return undefined;
  return new Date(Math.min(ms, now + MAX_DEFERRAL_MS));
}

/** When a server's Retry-After (seconds or HTTP date, read by the one parser of relais) lets us try again. */
export function retryAfterAt(value: string | null | undefined, now: number): Date | undefined {
  const after = retryAfterMs(value, now);
  return after === undefined ? undefined : dateAt(now + after, now);
}

/**
 * The windows X reports on a post (its documented rate-limit headers): the endpoint's own
 * (`x-rate-limit-*`, 15 minutes) and the day's posts of the user and of the app
 * (`x-user-limit-24hour-*`, `x-app-limit-24hour-*`); each has a `-remaining` and a `-reset` in
 * epoch seconds.
 */
const X_WINDOWS = ['x-rate-limit', 'x-user-limit-24hour', 'x-app-limit-24hour'];

/**
 * When X lets the account post again after a 429. X's own headers first: the latest reset among
 * the windows not known to have posts left (a spent window must reopen, and one with posts left is
 * not what refused: its reset, up to a day away, would hold the post back for nothing). Then
 * Retry-After, the HTTP way a gateway in front of the API gives the time. Undefined: the network
 * gave none.
 */
export function xResumeAt(header: HeaderOf, now: number): Date | undefined {
  let latest = 0;
  for (const window of X_WINDOWS) {
    const reset = header(`${window}-reset`)?.trim();
    if (!reset || !/^\d+$/.test(reset)) continue;
    const remaining = header(`${window}-remaining`)?.trim();
    if (remaining && /^\d+$/.test(remaining) && Number(remaining) > 0) continue;
    latest = Math.max(latest, Number(reset) * 1000);
  }
  if (latest > 0) {
    const at = dateAt(latest, now);
    if (at) return at;
  }
  return retryAfterAt(header('retry-after'), now);
}
