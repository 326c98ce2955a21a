import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { BIN, relaisJson } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';

/**
 * A relay that makes new connections wait for their greeting (Postfix postscreen's greet pause,
 * Exim's connect delay, a relay at its connection limit: the TCP connection is taken, the « 220 »
 * comes later). relais checks the server first (one connection, greeted), then opens the sending
 * connections — and marks each town hall's row `sending` before it has a connection to send on.
 * If the run dies while that connection still waits for its greeting (SIGKILL, out of memory, a
 * closed SSH session), the next run says « non confirmé — interrompu pendant l'envoi : remise
 * inconnue » and never sends it without `--resend-unconfirmed`, although not one byte of the
 * message can have left: the server never even said hello. With three connections, every such
 * crash leaves three town halls to be phoned « did you get our email? » (as the README asks before
 * `--resend-unconfirmed`), for messages that never existed for them.
 *
 * A user expects « remise inconnue » only for a message that may have reached the server (from its
 * DATA on); a message killed before its session was even open is still to send, and the next
 * `relais send` sends it, once.
 */
const servers: SMTPServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/**
 * An SMTP server on 127.0.0.1 that greets the first connection (relais's check of the server) at
 * once and holds the greeting of the next ones while `hold.greeting` is true; the recipients of
 * the messages it took are in `accepted`.
 */
async function greetingHolder() {
  const state = { connections: 0, hold: { greeting: true }, accepted: [] as string[], url: '' };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    logger: false,
    onConnect(_session, callback) {
      state.connections++;
      if (state.connections >= 2 && state.hold.greeting) return;
      callback();
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        state.accepted.push(session.envelope.rcptTo[0]?.address ?? '');
        callback(null, 'Queued');
      });
    },
  });
  server.on('error', () => undefined);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `smtp://127.0.0.1:${((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port}`;
  return state;
}

describe('relais send killed while its sending connection waits for the server’s greeting', () => {
  it('the next send sends the message: it never left', async () => {
    const smtp = await greetingHolder();
    const url = smtp.url;

    const dir = sampleCampaign();
    const child = spawn(process.execPath, [BIN, '-C', dir, 'send', '--commune', '45234', '--yes'], { env: { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: url }, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    // The point: the sending connection is open and waits for its « 220 ».
    await waitFor(() => smtp.connections >= 2);
    child.kill('SIGKILL');
    await exited;
    expect(smtp.accepted).toEqual([]);

    smtp.hold.greeting = false;
    const again = await relaisJson<{ sent: number; unconfirmedList: Array<{ commune: string }> }>(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: url } });
    expect(again.json.unconfirmedList, 'a message whose session never opened is said « remise inconnue »').toEqual([]);
    expect(again.json.sent).toBe(1);
    expect(smtp.accepted).toEqual(['mairie@orleans.example']);
  });

  /**
   * The same with Ctrl-C: what is in flight gets its grace, then is noted. A message whose session
   * never opened is not « remise inconnue »: it does not leave after the stop, and stays to send.
   */
  it('interrupted (Ctrl-C) while waiting for the greeting: the message stays to send, not unconfirmed', async () => {
    const smtp = await greetingHolder();
    const url = smtp.url;

    const dir = sampleCampaign();
    const child = spawn(process.execPath, [BIN, '-C', dir, 'send', '--commune', '45234', '--yes'], { env: { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: url }, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    await waitFor(() => smtp.connections >= 2);
    child.kill('SIGINT');
    expect(await exited).not.toBe(0);
    expect(smtp.accepted).toEqual([]);

    smtp.hold.greeting = false;
    const again = await relaisJson<{ sent: number; unconfirmedList: Array<{ commune: string }> }>(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: url } });
    expect(again.json.unconfirmedList).toEqual([]);
    expect(again.json.sent).toBe(1);
    expect(smtp.accepted).toEqual(['mairie@orleans.example']);
  });
});
