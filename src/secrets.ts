/**
 * The last line of defence for credentials. relais never puts a secret in a message itself, but
 * libraries and servers do: an SMTP or HTTP error may quote the URL it was given (with its
 * password), an API may echo the token it refused. Every message that carries foreign text goes
 * through `redact` before it is shown, stored in the journal or written under out/.
 */

/** The variables whose value is a credential. */
export const SECRET_VARIABLES = [
  'RELAIS_SMTP_PASSWORD',
  'RELAIS_IMAP_PASSWORD',
  'RELAIS_X_APP_KEY',
  'RELAIS_X_APP_SECRET',
  'RELAIS_X_ACCESS_TOKEN',
  'RELAIS_X_ACCESS_SECRET',
  'RELAIS_FACEBOOK_PAGE_TOKEN',
  'RELAIS_LINKEDIN_TOKEN',
] as const;

export const MASK = '***';

/** user:password@ in any URL-looking text: the password goes, the user stays (it helps to diagnose). */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)(@)/gi;

/**
 * Shorter values are not searched for: masking every "ab" in a message would make it unreadable
 * and protect nothing a four-character secret would not already lose to guessing.
 */
const SHORTEST = 4;

function secretsOf(env: NodeJS.ProcessEnv): string[] {
  const values = new Set<string>();
  const add = (v: string | undefined) => {
    if (v && v.length >= SHORTEST) {
      values.add(v);
      // Libraries quote a value as they received it or as it travels (URL-encoded).
      values.add(encodeURIComponent(v));
    }
  };
  for (const name of SECRET_VARIABLES) add(env[name]);
  for (const url of [env.RELAIS_SMTP_URL, env.RELAIS_IMAP_URL]) {
    if (!url) continue;
    for (const m of url.matchAll(URL_PASSWORD)) {
      add(m[2]);
      try {
        add(decodeURIComponent(m[2]!));
      } catch {
        // a malformed escape: the raw value is already listed
      }
    }
  }
  // Longest first, so that a secret containing another is masked whole.
  return [...values].sort((a, b) => b.length - a.length);
}

/** `text` with every credential of `env`, and every password written in a URL, replaced by ***. */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text.replace(URL_PASSWORD, `$1${MASK}$3`);
  for (const secret of secretsOf(env)) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}
