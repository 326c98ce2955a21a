import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * Step 7 of the README guide: the préfecture's relay dies in the middle of the run, right after
 * taking a whole message. relais rightly notes it « non confirmé », and `relais status --failed`
 * (step 11) gives the reason: « connexion perdue après l'envoi du message, avant la réponse du
 * serveur : remise inconnue Connection closed unexpectedly » (or « … remise inconnue read
 * ECONNRESET »): nodemailer's English glued to the French sentence, with no separator, in the
 * list and in the CSV the agent hands on. It is not the server's reply (the server said nothing):
 * it is Node's. A user expects French only, as the README promises of every message.
 */
const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** A relay that reads one whole message, then drops the connection without answering. */
async function dyingRelay(): Promise<string> {
  const server = net.createServer((sock) => {
    sock.on('error', () => undefined);
    sock.write('220 relais-prefecture ESMTP\r\n');
    let buf = '';
    let inData = false;
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          if (!buf.includes('\r\n.\r\n')) return;
          sock.destroy();
          return;
        }
        const i = buf.indexOf('\r\n');
        if (i < 0) return;
        const verb = buf.slice(0, 4).toUpperCase();
        buf = buf.slice(i + 2);
        if (verb === 'EHLO') sock.write('250-relais-prefecture\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') {
          sock.write('354 go on\r\n');
          inData = true;
        } else sock.write('250 Ok\r\n');
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('a message left unconfirmed by a relay that died', () => {
  it('status --failed gives its reason in French, without nodemailer\'s English', async () => {
    const dir = sampleCampaign();
    const env = { RELAIS_SMTP_URL: await dyingRelay(), RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const sent = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env });
    expect(sent.code).toBe(1);
    const status = await relais(['-C', dir, 'status', '--failed'], { env });
    expect(status.stdout).toMatch(/45234 .*non confirmé/);
    // Now: « … : remise inconnue Connection closed unexpectedly ».
    expect(status.stdout).not.toMatch(/Connection closed|unexpectedly|read ECONN/);
  });
});
