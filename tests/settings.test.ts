import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '../src/settings.js';

/** RELAIS_* settings: read once at start, every wrong value named in one usage error. */
function refused(env: Record<string, string>): SettingsError {
  try {
    readSettings(env);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    expect((err as SettingsError).exitCode).toBe(2);
    return err as SettingsError;
  }
  throw new Error('these settings should have been refused');
}

describe('readSettings', () => {
  it('gives the defaults when nothing is set', () => {
    const s = readSettings({});
    expect(s).toMatchObject({ debug: false, workers: undefined, httpTimeoutMs: 20_000, retryMs: 2000, versions: { facebook: 'v21.0', linkedin: '202501' } });
    expect(s.smtp).toEqual({ url: undefined, timeoutMs: 15_000, replyTimeoutMs: 25_000, maxConnections: 3, retryMs: undefined, caFile: undefined, allowPlainAuth: false });
    expect(s.sources).toEqual({ annuaire: undefined, rne: undefined });
  });

  it('reads numbers, booleans, URLs and versions', () => {
    const s = readSettings({
      RELAIS_DEBUG: 'oui',
      RELAIS_WORKERS: '0',
      RELAIS_HTTP_TIMEOUT_MS: ' 1500 ',
      RELAIS_RETRY_MS: '0',
      RELAIS_SMTP_URL: 'smtps://prefecture:p%40ss@mail.example:465',
      RELAIS_SMTP_MAX_CONNECTIONS: '50',
      RELAIS_SMTP_RETRY_MS: '20',
      RELAIS_X_API_URL: 'http://127.0.0.1:8080/x',
      RELAIS_FACEBOOK_GRAPH_VERSION: 'v19.0',
    });
    expect(s).toMatchObject({ debug: true, workers: 0, httpTimeoutMs: 1500, retryMs: 0, versions: { facebook: 'v19.0' } });
    expect(s.smtp).toMatchObject({ maxConnections: 50, retryMs: 20 });
    expect(s.smtp.url?.hostname).toBe('mail.example');
    expect(s.apiUrls.x?.href).toBe('http://127.0.0.1:8080/x');
    expect(readSettings({ RELAIS_DEBUG: '' }).debug).toBe(false);
  });

  it('reads the bounce mailbox: imap:// or imaps://, the user, the folders', () => {
    const s = readSettings({ RELAIS_IMAP_URL: 'imaps://retours:p%40ss@imap.example', RELAIS_IMAP_FOLDER: 'Retours', RELAIS_IMAP_MOVE_TO: 'Traites', RELAIS_IMAP_TIMEOUT_MS: '5000' });
    expect(s.imap).toMatchObject({ folder: 'Retours', moveTo: 'Traites', timeoutMs: 5000 });
    expect(s.imap.url?.hostname).toBe('imap.example');
    expect(readSettings({ RELAIS_IMAP_URL: 'imap://127.0.0.1:1143' }).imap.url?.port).toBe('1143');
    expect(readSettings({}).imap).toMatchObject({ url: undefined, folder: undefined, timeoutMs: 15_000 });
  });

  it.each([
    ['RELAIS_HTTP_TIMEOUT_MS', 'abc'],
    ['RELAIS_HTTP_TIMEOUT_MS', '30 s'],
    ['RELAIS_HTTP_TIMEOUT_MS', '3e4'],
    ['RELAIS_HTTP_TIMEOUT_MS', '50'],
    ['RELAIS_HTTP_TIMEOUT_MS', '99999999999'],
    ['RELAIS_RETRY_MS', '-1'],
    ['RELAIS_SMTP_TIMEOUT_MS', ''],
    ['RELAIS_SMTP_REPLY_TIMEOUT_MS', '25 s'],
    ['RELAIS_SMTP_MAX_CONNECTIONS', '0'],
    ['RELAIS_SMTP_MAX_CONNECTIONS', '2.5'],
    ['RELAIS_WORKERS', 'deux'],
    ['RELAIS_DEBUG', 'peut-être'],
    ['RELAIS_SMTP_URL', 'mail.example:25'],
    ['RELAIS_SMTP_URL', 'http://mail.example'],
    ['RELAIS_LINKEDIN_API_URL', 'https://moi:secret@api.example'],
    ['RELAIS_FACEBOOK_GRAPH_VERSION', '21/../../me'],
    ['RELAIS_IMAP_URL', 'pop3://mail.example'],
    ['RELAIS_IMAP_URL', 'imap.example:143'],
    ['RELAIS_SMTP_URL', 'smtp://127.0.0.1:0'],
    ['RELAIS_IMAP_TIMEOUT_MS', 'quinze'],
  ])('%s=%j is a usage error naming the variable', (name, value) => {
    const err = refused({ [name]: value });
    expect(err.message).toMatch(new RegExp(`^${name}( illisible)? :`));
    expect(err.problems).toHaveLength(1);
    expect(err.message).not.toContain('secret');
  });

  it('names every wrong variable at once', () => {
    const err = refused({ RELAIS_WORKERS: 'x', RELAIS_RETRY_MS: 'y', RELAIS_X_API_URL: 'ftp://a.example' });
    expect(err.problems.map((p) => p.split(' ')[0])).toEqual(['RELAIS_WORKERS', 'RELAIS_RETRY_MS', 'RELAIS_X_API_URL']);
    expect(err.message).toMatch(/^3 variables d'environnement invalides :/);
  });
});

describe('the environment read once at start', () => {
  it('keeps the variables as they were: a later change of the process environment is not seen', async () => {
    const { readEnvironment } = await import('../src/settings.js');
    const env: Record<string, string | undefined> = { RELAIS_RETRY_MS: '50', RELAIS_SMTP_PASSWORD: 'secret', CI: '1' };
    const read = readEnvironment(env);
    env.RELAIS_SMTP_PASSWORD = 'autre';
    expect(read.variables.RELAIS_SMTP_PASSWORD).toBe('secret');
    expect(Object.isFrozen(read.variables)).toBe(true);
    expect(read.settings).toMatchObject({ retryMs: 50, ci: true, httpTimeoutGiven: false });
  });

  it('gives the SMTP server its typed settings and its credentials, and refuses a clear-text password beyond this machine', async () => {
    const { readSettings } = await import('../src/settings.js');
    const { smtpSettingsFrom } = await import('../src/delivery/transport.js');
    const env = { RELAIS_SMTP_URL: 'smtp://relais:p%40ss@127.0.0.1:2525', RELAIS_SMTP_TIMEOUT_MS: '800', RELAIS_SMTP_REPLY_TIMEOUT_MS: '1200', RELAIS_SMTP_RETRY_MS: '10', RELAIS_SMTP_ALLOW_PLAIN_AUTH: '1' };
    const smtp = smtpSettingsFrom(readSettings(env).smtp, env)!;
    expect({ ...smtp, url: smtp.url.host }).toEqual({ url: '127.0.0.1:2525', timeoutMs: 800, replyTimeoutMs: 1200, retryBaseMs: 10, allowPlainAuth: true, user: 'relais', password: 'p@ss', maxConnections: 3, ca: undefined });
    expect(smtpSettingsFrom(readSettings({}).smtp, {})).toBeUndefined();
    const far = { ...env, RELAIS_SMTP_URL: 'smtp://relais:pass@mail.example:25' };
    expect(() => smtpSettingsFrom(readSettings(far).smtp, far)).toThrow(/RELAIS_SMTP_ALLOW_PLAIN_AUTH n'est accepté que pour un relais sur cet ordinateur/);
    const noCa = { RELAIS_SMTP_URL: 'smtps://mail.example', RELAIS_SMTP_CA_FILE: '/nulle/part/ca.pem' };
    expect(() => smtpSettingsFrom(readSettings(noCa).smtp, noCa)).toThrow(/RELAIS_SMTP_CA_FILE : fichier introuvable/);
  });

  it('gives the bounce mailbox its typed settings, its password from the environment, and the folder from the URL', async () => {
    const { readSettings } = await import('../src/settings.js');
    const { imapSettingsFrom } = await import('../src/bounces/imap.js');
    const env = { RELAIS_IMAP_URL: 'imaps://retours:p%40ss@imap.example/Retours%20SMTP', RELAIS_IMAP_TIMEOUT_MS: '900', RELAIS_IMAP_MOVE_TO: 'Traites' };
    const imap = imapSettingsFrom(readSettings(env).imap, env)!;
    expect({ ...imap, url: imap.url.host }).toEqual({ url: 'imap.example', user: 'retours', password: 'p@ss', ca: undefined, folder: 'Retours SMTP', moveTo: 'Traites', timeoutMs: 900 });
    const own = { ...env, RELAIS_IMAP_USER: 'boite', RELAIS_IMAP_PASSWORD: 'autre', RELAIS_IMAP_FOLDER: 'INBOX' };
    expect(imapSettingsFrom(readSettings(own).imap, own)).toMatchObject({ user: 'boite', password: 'autre', folder: 'INBOX' });
    expect(imapSettingsFrom(readSettings({}).imap, {})).toBeUndefined();
    const noCa = { RELAIS_IMAP_URL: 'imaps://imap.example', RELAIS_IMAP_CA_FILE: '/nulle/part/ca.pem' };
    expect(() => imapSettingsFrom(readSettings(noCa).imap, noCa)).toThrow(/RELAIS_IMAP_CA_FILE : fichier introuvable/);
  });

  it('gives the social networks their addresses, versions and timeouts from the settings, their tokens from the environment', async () => {
    const { readEnvironment } = await import('../src/settings.js');
    const { facebookPublisher, twitterPublisher } = await import('../src/delivery/social.js');
    const fb = readEnvironment({ RELAIS_FACEBOOK_PAGE_ID: '42', RELAIS_FACEBOOK_PAGE_TOKEN: 't', RELAIS_FACEBOOK_API_URL: 'http://127.0.0.1:9/', RELAIS_FACEBOOK_GRAPH_VERSION: 'v22.0' });
    expect(facebookPublisher(fb)?.description).toBe('Facebook, page 42 (http://127.0.0.1:9)');
    expect(twitterPublisher(readEnvironment({}))).toBeUndefined();
    expect(() => twitterPublisher(readEnvironment({ RELAIS_X_APP_KEY: 'k' }))).toThrow(/identifiants X incomplets : il manque RELAIS_X_APP_SECRET/);
  });
});

describe('RELAIS_* variables relais does not know', () => {
  it('are named, with the nearest one it knows; its tests’ own variables and other programs’ are not', async () => {
    const { unknownVariables } = await import('../src/cli/unknown-variables.js');
    expect(unknownVariables({ RELAIS_SMTP_PASWORD: 'x', RELAIS_IMAP_FOLDERS: 'Retours', RELAIS_TOUT_AUTRE: '1', RELAIS_TEST_CPU: '1', RELAIS_SMTP_PASSWORD: 'y', RELAIS_X_APP_KEY: 'k', HOME: '/root' })).toEqual([
      "RELAIS_SMTP_PASWORD n'est pas une variable de relais : elle est sans effet (vouliez-vous dire RELAIS_SMTP_PASSWORD ?)",
      "RELAIS_IMAP_FOLDERS n'est pas une variable de relais : elle est sans effet (vouliez-vous dire RELAIS_IMAP_FOLDER ?)",
      "RELAIS_TOUT_AUTRE n'est pas une variable de relais : elle est sans effet",
    ]);
  });
});

describe('account ids with a line end or a space left after the number (.env saved with Windows line ends)', () => {
  it('are accepted trimmed, and the networks are given the trimmed number', async () => {
    const { readEnvironment } = await import('../src/settings.js');
    const { facebookPublisher, linkedinPublisher } = await import('../src/delivery/social.js');
    const env = readEnvironment({
      RELAIS_FACEBOOK_PAGE_ID: '104512345678901\r',
      RELAIS_FACEBOOK_PAGE_TOKEN: 'jeton-facebook',
      RELAIS_LINKEDIN_ORGANIZATION: 'urn:li:organization:12345678 ',
      RELAIS_LINKEDIN_TOKEN: 'jeton-linkedin',
    });
    expect(env.variables.RELAIS_FACEBOOK_PAGE_ID).toBe('104512345678901');
    expect(facebookPublisher(env)?.destination).toBe('facebook:104512345678901');
    expect(linkedinPublisher(env)?.destination).toBe('linkedin:urn:li:organization:12345678');
  });

  it('a page name with a line end is still refused (trimming makes no id of it)', () => {
    expect(refused({ RELAIS_FACEBOOK_PAGE_ID: 'ma page\r' }).message).toContain("n'est pas un identifiant");
  });
});
