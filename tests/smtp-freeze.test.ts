import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * A server that freezes mid-run: it took the connection, accepted a few messages, then stops
 * answering anything — the message it was receiving, new connections (no greeting), commands.
 * relais stops at the first session gone silent (RELAIS_SMTP_REPLY_TIMEOUT_MS, short here), says
 * which server, what went, that the frozen message is « non confirmé », and how to resume; the
 * next run sends what was never tried and not the frozen one. No duration is measured: the
 * figures are messages and journal rows.
 */
interface Summary {
  sent: number;
  unconfirmed: number;
  alreadySent: number;
  unconfirmedList: Array<{ commune: string; recipient: string }>;
  outage: { sent: number; remaining: number; unconfirmed: number; frozen: boolean; message: string } | null;
  state: { sent: number; unconfirmed: number; notSent: number };
}

/** Ten town halls with an email in the sample (and two that go by post). */
const COMMUNES = '45001,45002,45004,45005,45006,45008,45009,45010,45011,45012,45013,45014';
const ACCEPTED = 4;

interface FreezingSmtp {
  port: number;
  url: string;
  /** Recipients whose message was accepted before the freeze. */
  accepted: string[];
  /** The recipient whose message arrived whole and froze the server. */
  frozenOn: string[];
  /** Every recipient whose message arrived whole and was never answered, that one included. */
  unanswered: string[];
  close(): Promise<void>;
}

/** smtp-server that answers normally `accept` times, then never again: a process that hangs. */
async function freezingSmtp(accept: number): Promise<FreezingSmtp> {
  const accepted: string[] = [];
  const frozenOn: string[] = [];
  const unanswered: string[] = [];
  let frozen = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: 100,
    // A callback never called is an answer never given: no greeting, no reply to a command.
    onConnect: (_session, callback) => void (frozen || callback()),
    onMailFrom: (_address, _session, callback) => void (frozen || callback()),
    onRcptTo: (_address, _session, callback) => void (frozen || callback()),
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const to = session.envelope.rcptTo[0]?.address ?? '';
        if (!frozen && accepted.length >= accept) {
          frozen = true;
          frozenOn.push(to);
        }
        if (frozen) return void unanswered.push(to);
        accepted.push(to);
        callback(null, 'Queued');
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return { port, url: `smtp://127.0.0.1:${port}`, accepted, frozenOn, unanswered, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function rows(dir: string): Array<{ commune: string; recipient: string; status: string; last_reply: string }> {
  const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
  try {
    return db.prepare("SELECT commune, recipient, status, last_reply FROM deliveries WHERE destination = 'server' ORDER BY commune").all() as Array<{ commune: string; recipient: string; status: string; last_reply: string }>;
  } finally {
    db.close();
  }
}

describe('an SMTP server that freezes mid-run', () => {
  it('stops at the first silent session: which server, what went, the frozen message « non confirmé », how to resume; the next run sends only what was never tried', async () => {
    const frozen = await freezingSmtp(ACCEPTED);
    closers.push(frozen.close);
    const dir = sampleCampaign();
    // One connection, so that the messages go one after the other. Short timeouts for the test,
    // long enough that a loaded machine never makes a healthy step time out.
    const env = { RELAIS_SMTP_URL: frozen.url, RELAIS_SMTP_MAX_CONNECTIONS: '1', RELAIS_SMTP_REPLY_TIMEOUT_MS: '5000', RELAIS_SMTP_TIMEOUT_MS: '5000', RELAIS_SMTP_RETRY_MS: '20' };
    const first = await relaisJson<Summary>(['-C', dir, 'send', '--commune', COMMUNES, '--yes'], { env });
    expect(first.code).toBe(1);
    expect(frozen.accepted).toHaveLength(ACCEPTED);
    expect(frozen.frozenOn).toHaveLength(1);
    expect(first.json).toMatchObject({ sent: ACCEPTED, unconfirmed: 1 });
    expect(first.json.outage).toMatchObject({ frozen: true, sent: ACCEPTED, unconfirmed: 1, remaining: 10 - ACCEPTED - 1 });
    expect(first.json.unconfirmedList.map((u) => u.recipient)).toEqual(frozen.frozenOn);

    // Said to the agent in French: the server, the figures, the honest state, what to do.
    expect(first.stderr).toContain(`le serveur SMTP 127.0.0.1:${frozen.port} ne répond plus : il a accepté la connexion puis s'est tu au milieu d'un envoi (aucune réponse en 5 s)`);
    expect(first.stderr).toContain(`Envoi arrêté : ${ACCEPTED} messages envoyés pendant cette exécution, 1 message à la remise incertaine (le serveur l'a peut-être reçu) : le journal le note « non confirmé »`);
    expect(first.stderr).toContain('relais ne le renvoie pas de lui-même (relais status --failed le liste ; « relais send --resend-unconfirmed » pour le renvoyer, au risque d\'un doublon)');
    expect(first.stderr).toContain(`${10 - ACCEPTED - 1} messages restent à envoyer`);
    expect(first.stderr).toContain('relancez la même commande : seuls les messages restants partiront');
    expect(first.stderr).not.toMatch(/inattendue|\n\s+at /);

    // The journal: sent for the accepted, unconfirmed for the frozen one, nothing for the others.
    const journal = rows(dir);
    expect(journal.filter((r) => r.status === 'sent').map((r) => r.recipient).sort()).toEqual([...frozen.accepted].sort());
    const unconfirmed = journal.filter((r) => r.status === 'unconfirmed');
    expect(unconfirmed.map((r) => r.recipient)).toEqual(frozen.frozenOn);
    expect(unconfirmed[0]!.last_reply).toContain('ne répond plus');
    expect(journal).toHaveLength(ACCEPTED + 1);

    // The server is back (or another one): exactly the messages never tried go; the frozen one does not.
    const healthy: TestSmtp = await startSmtp();
    closers.push(healthy.close);
    const second = await relaisJson<Summary>(['-C', dir, 'send', '--commune', COMMUNES, '--yes'], { env: { ...env, RELAIS_SMTP_URL: healthy.url } });
    expect(second.json).toMatchObject({ sent: 10 - ACCEPTED - 1, alreadySent: ACCEPTED, outage: null });
    expect(healthy.received.map((m) => m.to)).not.toContain(frozen.frozenOn[0]);
    expect(healthy.received.map((m) => m.to).filter((to) => frozen.accepted.includes(to))).toEqual([]);
    expect(second.json.state).toMatchObject({ sent: 10 - 1, unconfirmed: 1, notSent: 0 });
    // The unconfirmed message keeps the run from being a success until the user decides.
    expect(second.code).toBe(1);
  });

  it('several connections under way when it freezes: each silent one is « non confirmé », none counted as sent, the rest never tried', async () => {
    const frozen = await freezingSmtp(ACCEPTED);
    closers.push(frozen.close);
    const dir = sampleCampaign();
    const env = { RELAIS_SMTP_URL: frozen.url, RELAIS_SMTP_MAX_CONNECTIONS: '3', RELAIS_SMTP_REPLY_TIMEOUT_MS: '5000', RELAIS_SMTP_TIMEOUT_MS: '5000', RELAIS_SMTP_RETRY_MS: '20' };
    const run = await relaisJson<Summary>(['-C', dir, 'send', '--commune', COMMUNES, '--yes'], { env });
    expect(run.code).toBe(1);
    expect(run.json.outage).toMatchObject({ frozen: true, sent: ACCEPTED });
    expect(run.json.sent).toBe(ACCEPTED);
    // What the server holds unanswered is unconfirmed, never sent; a connection silent at an
    // earlier step is unconfirmed too (nodemailer cannot say at which step the silence fell).
    const journal = rows(dir);
    expect(journal.filter((r) => r.status === 'sent').map((r) => r.recipient).sort()).toEqual([...frozen.accepted].sort());
    const unconfirmed = journal.filter((r) => r.status === 'unconfirmed').map((r) => r.recipient);
    expect(unconfirmed).toEqual(expect.arrayContaining(frozen.unanswered));
    expect(unconfirmed.length).toBeLessThanOrEqual(3);
    // A message none of whose bytes had left when its connection went silent is one nodemailer
    // tries on a new connection, which never gets a greeting: a temporary failure, sent next run.
    for (const r of journal.filter((x) => x.status !== 'sent' && x.status !== 'unconfirmed')) {
      expect(r.status).toBe('failed-temporary');
      expect([...frozen.accepted, ...frozen.unanswered]).not.toContain(r.recipient);
    }
    expect(run.json.unconfirmed).toBe(unconfirmed.length);
    expect(run.json.outage?.remaining).toBe(10 - ACCEPTED - unconfirmed.length);
    expect(run.stderr).toContain(`le serveur SMTP 127.0.0.1:${frozen.port} ne répond plus`);
  });
});
