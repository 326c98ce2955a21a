/**
 * The HTTP `Retry-After` header (RFC 9110, 10.2.3), read in one place for every edge that talks
 * to a server: `relais fetch` (official sources) and the social publishers alike. A server, or a
 * gateway in front of it, may give either form: a number of seconds, or an HTTP date.
 */

/**
 * How long the server asks to wait, in milliseconds from `now`: `undefined` when the value is
 * absent or neither form. A date already past means "now" (0), never a negative wait.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  const after = value?.trim();
  if (!after) return undefined;
  // delay-seconds is 1*DIGIT: "1.5" or "-3" are not seconds, and not dates either.
  if (/^\d+$/.test(after)) return Number(after) * 1000;
  // An HTTP date names its month (IMF-fixdate, RFC 850 and asctime forms alike); Date.parse
  // alone would read "-5" or "1.5" as years.
  if (!/[A-Za-z]{3}/.test(after)) return undefined;
  const at = Date.parse(after);
  if (!Number.isNaN(at)) return Math.max(0, at - now);
  return undefined;
}
