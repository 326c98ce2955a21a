import { afterEach, describe, expect, it } from 'vitest';
import { campaignWith, CONTACT_HEADER } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { wireSmtp, type WireSmtp } from './servers/wire-smtp.js';

/**
 * relais asks the relay for delivery status notifications (README: `NOTIFY=FAILURE,DELAY`,
 * `RET=HDRS`, `ENVID`) and gives each recipient's ORCPT, the original recipient a DSN reports back
 * (RFC 3461 § 4.2). For a town hall on an internationalised domain (« mairie@saint-étienne.fr »)
 * the envelope is right — `RCPT TO:<mairie@xn--saint-tienne-geb.fr>`, no SMTPUTF8 needed — but
 * ORCPT is the address as typed, its UTF-8 bytes xtext-encoded under the `rfc822` type:
 * `ORCPT=rfc822;mairie@saint-+C3+A9tienne.fr`. An `rfc822` ORCPT is an RFC 822 address, ASCII
 * (RFC 3461 § 4.2); a non-ASCII one goes as the `utf-8` type (RFC 6533 § 3) or in its ASCII
 * (A-label) form. A server that takes it reads bytes where an address should be: smtp-server
 * decodes it as « rfc822;mairie@saint-Ã©tienne.fr », Postfix keeps it for its bounce daemon to
 * « sanitize », and the DSN's `Original-Recipient` is then neither the address relais sent to nor
 * the one in the journal. Same for an accented local part on an SMTPUTF8 session
 * (`ORCPT=rfc822;+C3+A9lodie…`). Expected: every `rfc822` ORCPT holds an ASCII address.
 */
const servers: WireSmtp[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** xtext (RFC 3461 § 4): `+XX` is the byte XX. */
const xtextBytes = (value: string) => Buffer.from(value.replace(/\+([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');

describe('the ORCPT of a town hall with an international address', () => {
  it('is an ASCII address when its type is rfc822', async () => {
    const dir = campaignWith({
      mairies: [CONTACT_HEADER, `45001;mairie@saint-étienne.fr;1 rue de l'Église;45230;Adon`, `45002;élodie.mairie@aillant.example;2 place de la Mairie;45230;Aillant-sur-Milleron`].join('\n') + '\n',
    });
    const server = await wireSmtp(['PIPELINING', '8BITMIME', 'SMTPUTF8', 'DSN']);
    servers.push(server);
    const r = await relais(['-C', dir, 'send', '--yes', '--commune', '45001,45002'], { env: { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const rcpts = server.commands.filter((c) => /^RCPT TO:/i.test(c));
    // The premise: both went out, the IDN one in punycode, each with an ORCPT.
    expect(rcpts).toHaveLength(2);
    expect(rcpts.some((c) => c.startsWith('RCPT TO:<mairie@xn--saint-tienne-geb.fr>'))).toBe(true);
    const orcpts = rcpts.map((c) => /\sORCPT=([^\s]+)/i.exec(c)?.[1] ?? '');
    expect(orcpts.every(Boolean)).toBe(true);

    const wrong = orcpts.filter((o) => /^rfc822;/i.test(o) && xtextBytes(o).some((b) => b > 0x7f));
    expect(wrong, 'rfc822 ORCPTs holding a non-ASCII address').toEqual([]);
  });
});
