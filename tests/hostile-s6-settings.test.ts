import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * A password with a « % » pasted into the server address as it is (not percent-encoded): the
 * address parses, but its password does not decode. The settings read at start must name the
 * variable (usage error, exit 2) before anything happens — never "erreur inattendue".
 */
describe('a password with a bare % in RELAIS_SMTP_URL or RELAIS_IMAP_URL', () => {
  it.each([
    ['RELAIS_SMTP_URL', 'smtps://prefecture:50%ZZoff@127.0.0.1:9', ['send', '--commune', '45234', '--yes']],
    ['RELAIS_IMAP_URL', 'imaps://prefecture:50%ZZoff@127.0.0.1:9', ['bounces']],
  ])('%s is named, exit 2, no "erreur inattendue", the password not repeated', async (name, value, args) => {
    const dir = sampleCampaign();
    const r = await relais(['-C', dir, ...args], { env: { [name]: value } });
    // It used to say: "relais : erreur inattendue : URI malformed (relancez avec RELAIS_DEBUG=1 pour le détail)",
    // exit 1 (decodeURIComponent in src/delivery/transport.ts smtpSettingsFrom, and its IMAP twin).
    expect(r.stderr).not.toContain('erreur inattendue');
    expect(r.stderr).not.toContain('URI malformed');
    expect(r.stderr).toContain(name);
    expect(r.stderr).not.toContain('50%ZZoff');
    expect(r.code).toBe(2);
  });
});
