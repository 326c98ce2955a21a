import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * An SMTP relay that takes the whole message (up to the final dot) and then crashes before it
 * answers — a content filter that dies on the attachment, a relay restarted at the wrong moment.
 * The message may well be delivered: relais's own classify() says so ("connexion perdue après
 * l'envoi du message : remise inconnue") and the README promises such a message is `unconfirmed`
 * and resent only with --resend-unconfirmed. The local servers of tests/servers/smtp.ts never cut
 * a session there (dieAfter waits for the next MAIL FROM), so this one speaks SMTP by hand.
 */
interface CrashServer {
  url: string;
  /** Every message received in full (the text after DATA up to the final dot), by recipient. */
  messages: string[];
  close(): Promise<void>;
}

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function crashAfterFirstData(): Promise<CrashServer> {
  const messages: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    sock.write('220 relais-de-test ESMTP\r\n');
    let buf = '';
    let inData = false;
    let rcpt = '';
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          buf = buf.slice(end + 5);
          inData = false;
          messages.push(rcpt);
          // The first message is received in full, then the relay dies without a word.
          if (messages.length === 1) {
            sock.destroy();
            return;
          }
          sock.write('250 2.0.0 Ok: queued\r\n');
          continue;
        }
        const i = buf.indexOf('\r\n');
        if (i < 0) return;
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-relais-de-test\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') sock.write('250 relais-de-test\r\n');
        else if (verb === 'RCPT') {
          rcpt = /<([^>]*)>/.exec(line)?.[1] ?? '';
          sock.write('250 2.1.5 Ok\r\n');
        } else if (verb === 'DATA') {
          sock.write('354 End data with <CR><LF>.<CR><LF>\r\n');
          inData = true;
        } else if (verb === 'QUIT') {
          sock.end('221 2.0.0 Bye\r\n');
          return;
        } else sock.write('250 2.0.0 Ok\r\n');
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: async () => {
      for (const s of sockets) s.destroy();
    },
  };
}

describe('an SMTP relay that dies after receiving a whole message, before answering', () => {
  it('the message is unconfirmed, not sent a second time on its own', async () => {
    const server = await crashAfterFirstData();
    const dir = sampleCampaign();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const first = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env });
    // It used to say: relais retries at once and the town hall of Orléans receives the letter twice
    // (journal: sent, attempts 2); classify() in src/delivery/transport.ts does not recognise
    // nodemailer's "connection closed" after the final dot as the lost-after-DATA case.
    expect(server.messages, 'Orléans received the same email twice').toEqual(['mairie@orleans.example']);
    expect(first.code).toBe(1);
    const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    const row = db.prepare("SELECT status FROM deliveries WHERE destination = 'server' AND commune = '45234'").get() as { status: string };
    db.close();
    expect(row.status).toBe('unconfirmed');
    const again = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env });
    expect(again.stdout + again.stderr).toContain('non confirmé');
    expect(server.messages).toHaveLength(1);
    await server.close();
  });
});
