import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../src/delivery/smtp-classify.js';
import { orcptOf, useSmtputf8Guard } from '../src/delivery/smtp-utf8.js';
import { smtpTransport, type OutgoingMessage } from '../src/delivery/transport.js';
import { campaignWith, CONTACT_HEADER } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { wireSmtp, type WireSmtp } from './servers/wire-smtp.js';

/** An ORCPT as nodemailer writes it (its xtext: `+`, `=`, controls and non-ASCII bytes as +XX). */
describe('orcptOf: the ORCPT of an address (RFC 3461 § 4.2, RFC 6533 § 3)', () => {
  it.each([
    ['mairie@adon.fr', 'rfc822;mairie@adon.fr'],
    // nodemailer writes an internationalised domain as its A-label when the local part is ASCII.
    ['mairie@xn--saint-tienne-geb.fr', 'rfc822;mairie@xn--saint-tienne-geb.fr'],
    ['élodie.mairie@aillant.example', 'utf-8;\\x{E9}lodie.mairie@aillant.example'],
    // `+`, `=` and `\` are xtext specials: escaped too in the utf-8-addr-xtext form.
    ['é+x=y@saint-étienne.fr', 'utf-8;\\x{E9}\\x{2B}x\\x{3D}y@saint-\\x{E9}tienne.fr'],
    ['ǅ@x.example', 'utf-8;\\x{1C5}@x.example'],
    ['名@x.example', 'utf-8;\\x{540D}@x.example'],
    ['😀@x.example', 'utf-8;\\x{1F600}@x.example'],
  ])('%s → %s', (address, orcpt) => {
    expect(orcptOf(address)).toBe(orcpt);
    // ASCII throughout, and nothing nodemailer's xtext would change (`+`, `=`, blanks).
    expect(orcpt).toMatch(/^[\x21-\x2a\x2c-\x3c\x3e-\x7e]+$/);
  });
});

describe("nodemailer's SMTP connection (internals the guard relies on)", () => {
  it('still has _setEnvelope and _supportedExtensions', () => {
    expect(() => useSmtputf8Guard()).not.toThrow();
  });
});

const servers: WireSmtp[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const message = (to: string, n: number): OutgoingMessage => ({
  envelope: { from: 'communication@ars.example', to },
  raw: Buffer.from(`From: communication@ars.example\r\nTo: ${to}\r\nSubject: test\r\nMessage-ID: <m${n}@ars.example>\r\n\r\nBonjour\r\n`),
  messageId: `<m${n}@ars.example>`,
  envelopeId: `m${n}`,
  outboxPath: '/nonexistent',
});

async function transportTo(extensions: string[]) {
  const server = await wireSmtp(extensions);
  servers.push(server);
  const transport = smtpTransport({ url: new URL(server.url), user: undefined, password: undefined, maxConnections: 1, ca: undefined, timeoutMs: 5000, replyTimeoutMs: 5000, retryBaseMs: 20, allowPlainAuth: false });
  return { server, transport };
}

describe('an address with a UTF-8 local part, through the SMTP transport', () => {
  it('is refused before any command on a session without SMTPUTF8, permanently and in French; the session serves the next message', async () => {
    const { server, transport } = await transportTo(['PIPELINING', '8BITMIME', 'DSN']);
    try {
      const refused = await transport.send(message('élodie.mairie@aillant.example', 1)).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(DeliveryError);
      expect((refused as DeliveryError).kind).toBe('permanent');
      expect((refused as DeliveryError).message).toMatch(/SMTPUTF8.*courrier/);
      await transport.send(message('mairie@adon.example', 2));
      expect(server.commands.filter((c) => /[^\x00-\x7f]/.test(c))).toEqual([]);
      expect(server.commands.filter((c) => /^MAIL FROM/.test(c))).toHaveLength(1);
      expect(server.messages).toHaveLength(1);
    } finally {
      transport.close();
    }
  });

  it('stops the run, no town hall to post, when it is the sender’s own address', async () => {
    const { server, transport } = await transportTo(['PIPELINING', '8BITMIME', 'DSN']);
    try {
      const refused = await transport.send({ ...message('mairie@adon.example', 1), envelope: { from: 'retours-prefète@ars.example', to: 'mairie@adon.example' } }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(DeliveryError);
      expect((refused as DeliveryError).kind).toBe('fatal');
      expect((refused as DeliveryError).message).toMatch(/adresse d'expédition retours-prefète@ars\.example.*SMTPUTF8/);
      expect(server.commands.filter((c) => /^(MAIL|RCPT)/.test(c))).toEqual([]);
    } finally {
      transport.close();
    }
  });

  it('goes with SMTPUTF8 and an RFC 6533 ORCPT to a server that offers it; an IDN domain alone goes as ASCII', async () => {
    const { server, transport } = await transportTo(['PIPELINING', '8BITMIME', 'SMTPUTF8', 'DSN']);
    try {
      await transport.send(message('élodie.mairie@aillant.example', 1));
      await transport.send(message('mairie@saint-étienne.fr', 2));
      const mail = server.commands.filter((c) => /^MAIL FROM/.test(c));
      const rcpt = server.commands.filter((c) => /^RCPT TO/.test(c));
      expect(mail[0]).toMatch(/ SMTPUTF8\b/);
      expect(rcpt[0]).toBe('RCPT TO:<élodie.mairie@aillant.example> NOTIFY=FAILURE,DELAY ORCPT=utf-8;\\x{E9}lodie.mairie@aillant.example');
      expect(mail[1]).not.toMatch(/SMTPUTF8/);
      expect(rcpt[1]).toBe('RCPT TO:<mairie@xn--saint-tienne-geb.fr> NOTIFY=FAILURE,DELAY ORCPT=rfc822;mairie@xn--saint-tienne-geb.fr');
    } finally {
      transport.close();
    }
  });
});

describe('several town halls with accented addresses in a row, to a relay without SMTPUTF8', () => {
  it('are each refused for that reason, not taken for the relay refusing the campaign; the others are sent', async () => {
    const dir = campaignWith({
      mairies: [
        CONTACT_HEADER,
        `45001;zoé@adon.example;1 rue de l'Église;45230;Adon`,
        `45002;élodie.mairie@aillant.example;2 place de la Mairie;45230;Aillant-sur-Milleron`,
        `45004;zoë@amilly.example;1 place;45200;Amilly`,
        `45005;maël@andonville.example;1 place;45480;Andonville`,
        `45234;mairie@orleans.example;Place de l'Étape;45000;Orléans`,
      ].join('\n') + '\n',
    });
    const server = await wireSmtp(['PIPELINING', '8BITMIME', 'DSN']);
    servers.push(server);
    const r = await relais(['-C', dir, 'send', '--yes', '--commune', '45001,45002,45004,45005,45234'], { env: { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' } });
    expect(r.code, r.stderr).toBe(1);
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]!.toString()).toContain('To: mairie@orleans.example\r\n');
    expect(r.stdout).not.toMatch(/relais qui refuse/);
    for (const commune of ['45001', '45002', '45004', '45005']) expect(r.stdout).toMatch(new RegExp(`${commune} [^\\n]*SMTPUTF8[^\\n]*courrier`));
  });
});
