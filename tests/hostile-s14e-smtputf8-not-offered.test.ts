import { afterEach, describe, expect, it } from 'vitest';
import { campaignWith, CONTACT_HEADER } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { wireSmtp, type WireSmtp } from './servers/wire-smtp.js';

/**
 * A town hall address with an accent in its local part (« élodie.mairie@… ») is accepted by
 * `relais check` without a word, and is only deliverable through a relay that offers SMTPUTF8
 * (RFC 6531). Many préfecture relays do not. RFC 6531 § 3: a client must not send such an
 * address to a server that did not advertise SMTPUTF8 (in RFC 5321 § 4.1.2 a mailbox is ASCII);
 * it must refuse the message itself. relais (through nodemailer, which adds the SMTPUTF8 keyword
 * only when the server offers it, and otherwise goes on) sends `RCPT TO:<élodie.mairie@…>` in raw
 * UTF-8 on a session that never negotiated it, then a header block with 8-bit bytes
 * (`To: élodie.mairie@…`) without SMTPUTF8 nor BODY=8BITMIME. A strict relay answers « 553 5.6.7 »
 * and relais reports « refusé par le serveur (553) 553 5.6.7 SMTPUTF8 required », a permanent
 * refusal of the address in the server's English, as if the address were wrong; a lax relay (as
 * here) takes it, the next hop garbles or refuses it, and the journal says « envoyé ». Expected:
 * nothing non-ASCII on a session without SMTPUTF8, the other town halls sent, and this one named
 * with the reason (the relay does not offer SMTPUTF8), in French.
 */
const servers: WireSmtp[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('an address with an accent in its local part, to a relay without SMTPUTF8', () => {
  it('is not sent in raw UTF-8 on that session, and relais says why', async () => {
    const dir = campaignWith({
      mairies: [CONTACT_HEADER, `45234;mairie@orleans.example;Place de l'Étape;45000;Orléans`, `45002;élodie.mairie@aillant.example;2 place de la Mairie;45230;Aillant-sur-Milleron`].join('\n') + '\n',
    });
    // A lax relay: it offers 8BITMIME and DSN, not SMTPUTF8, and takes whatever it is given.
    const server = await wireSmtp(['PIPELINING', '8BITMIME', 'DSN']);
    servers.push(server);
    const r = await relais(['-C', dir, 'send', '--yes', '--commune', '45234,45002'], { env: { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' } });
    const said = `${r.stdout}\n${r.stderr}`;

    // The premise: the ASCII town hall went through this relay.
    expect(server.messages.some((m) => m.includes('To: mairie@orleans.example\r\n'))).toBe(true);

    const nonAscii = server.commands.filter((line) => /[^\x00-\x7f]/.test(line));
    expect(nonAscii, 'commands with UTF-8 on a session without SMTPUTF8').toEqual([]);
    const eightBitHeaders = server.messages.map((m) => m.subarray(0, m.indexOf('\r\n\r\n')).toString('latin1')).filter((h) => /[^\x00-\x7f]/.test(h));
    expect(eightBitHeaders, 'header blocks with 8-bit bytes on a session without SMTPUTF8').toEqual([]);
    expect(said).toMatch(/45002[^\n]*SMTPUTF8|SMTPUTF8[^\n]*45002/);
  });
});
