import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithLetters, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { OUTAGE_LIMIT, OutageWatch } from '../src/delivery/deliver.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * A server that disappears mid-run: relais stops after a few connection failures in a row
 * (OUTAGE_LIMIT, 3), says what went and what is left, exits 1, and the next run sends exactly
 * what is left. No durations are measured: the figures are attempts and messages.
 */
interface Summary {
  ok: boolean;
  sent: number;
  failed: number;
  unconfirmed: number;
  alreadySent: number;
  outage: { message: string; sent: number; remaining: number } | null;
  state: { sent: number; failed: number; unconfirmed: number; notSent: number };
}

const servers: TestSmtp[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function smtp(faults: Parameters<typeof startSmtp>[0] = {}): Promise<TestSmtp> {
  const s = await startSmtp(faults);
  servers.push(s);
  return s;
}

function rows(dir: string): Array<{ commune: string; recipient: string; status: string; attempts: number; server: string }> {
  const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
  try {
    return db.prepare("SELECT commune, recipient, status, attempts, server FROM deliveries WHERE destination = 'server'").all() as Array<{ commune: string; recipient: string; status: string; attempts: number; server: string }>;
  } finally {
    db.close();
  }
}

const env = (server: TestSmtp, extra: Record<string, string> = {}) => ({ RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', ...extra });

describe('an SMTP server that dies mid-run', () => {
  it('one connection: three attempts on the next message, then the run stops with what went and what is left; the next run sends exactly the rest', async () => {
    const dying = await smtp({ dieAfter: 10 });
    const dir = await sampleWithLetters();
    const first = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(dying, { RELAIS_SMTP_MAX_CONNECTIONS: '1' }) });
    expect(first.code).toBe(1);
    expect(first.json.ok).toBe(false);
    expect(first.json.outage).toMatchObject({ sent: 10, remaining: 291 });
    // The message the outage cut is one of this run's failures, as the journal says (« échec
    // temporaire »), and one of the 291 left to send.
    expect(first.json).toMatchObject({ sent: 10, failed: 1, unconfirmed: 0 });
    expect(first.stderr).toContain(`serveur SMTP injoignable (127.0.0.1:${dying.port}) : 3 tentatives de connexion de suite sans réponse`);
    expect(first.stderr).toContain('Envoi arrêté : 10 messages envoyés pendant cette exécution, 291 messages restent à envoyer');
    expect(first.stderr).toContain('relancez la même commande : seuls les messages restants partiront');
    expect(dying.received).toHaveLength(10);
    // One message was tried, three times; the 290 others were never touched.
    const tried = rows(dir).filter((r) => r.status !== 'sent');
    expect(tried).toHaveLength(1);
    expect(tried[0]).toMatchObject({ status: 'failed-temporary', attempts: 3 });

    const live = await smtp();
    const second = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(live) });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json).toMatchObject({ ok: true, sent: 291, alreadySent: 10, outage: null });
    expect(live.received).toHaveLength(291);
    const before = new Set(dying.received.map((m) => m.to));
    expect(live.received.filter((m) => before.has(m.to))).toEqual([]);
    expect(new Set([...dying.received, ...live.received].map((m) => m.to)).size).toBe(301);
    // The journal knows which server took which.
    const servers = new Map<string, number>();
    for (const r of rows(dir)) servers.set(r.server, (servers.get(r.server) ?? 0) + 1);
    expect(Object.fromEntries(servers)).toEqual({ [`127.0.0.1:${dying.port}`]: 10, [`127.0.0.1:${live.port}`]: 291 });
  });

  it('three connections: the failures of lanes that fail together count once, the rest is never tried, and the next run completes', async () => {
    const dying = await smtp({ dieAfter: 30 });
    const dir = await sampleWithLetters();
    const first = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(dying) });
    expect(first.code).toBe(1);
    const { outage } = first.json;
    expect(outage).not.toBeNull();
    expect(first.json.sent).toBe(dying.received.length);
    expect(outage!.sent).toBe(dying.received.length);
    expect(outage!.remaining).toBe(301 - dying.received.length);
    expect(first.json.state).toMatchObject({ sent: dying.received.length, unconfirmed: 0 });
    // At most one message per lane was tried after the server died, each a few times.
    const tried = rows(dir).filter((r) => r.status !== 'sent');
    expect(tried.length).toBeGreaterThanOrEqual(1);
    expect(tried.length).toBeLessThanOrEqual(3);
    for (const r of tried) expect(r.attempts).toBeLessThanOrEqual(4);

    const live = await smtp();
    const second = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(live) });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json.sent).toBe(outage!.remaining);
    const perRecipient = new Map<string, number>();
    for (const m of [...dying.received, ...live.received]) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    expect(perRecipient.size).toBe(301);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
  });

  it('dead from the start: one French message, nothing sent, nothing marked', async () => {
    const gone = await smtp();
    servers.splice(0);
    await gone.close();
    const dir = sampleCampaign();
    const { code, stderr } = await relais(['-C', dir, 'send', '--commune', '45234,45001', '--yes'], { env: env(gone) });
    expect(code).toBe(1);
    expect(stderr).toContain(`serveur SMTP injoignable (127.0.0.1:${gone.port})`);
    expect(stderr).toContain('rien n’a été envoyé ; relancez la même commande quand le serveur répond');
    expect(rows(dir)).toEqual([]);
  });
});

describe('OutageWatch: connection failures in a row, across lanes', () => {
  it('lanes that fail together are one observation; attempts begun after a failure count', () => {
    const watch = new OutageWatch();
    // Three lanes had begun when the server died: their three failures count once.
    const [a, b, c] = [watch.begin(), watch.begin(), watch.begin()];
    expect([watch.failed(a, 'ECONNRESET'), watch.failed(b, 'ECONNRESET'), watch.failed(c, 'ECONNRESET')]).toEqual([false, false, false]);
    expect(watch.count).toBe(1);
    // Their retries began after it: the first to fail counts, the others are the same news.
    const retries = [watch.begin(), watch.begin(), watch.begin()];
    expect(retries.map((r) => watch.failed(r, 'ECONNREFUSED'))).toEqual([false, false, false]);
    expect(watch.count).toBe(2);
    expect(watch.failed(watch.begin(), 'ECONNREFUSED')).toBe(true);
    expect(watch.count).toBe(OUTAGE_LIMIT);
    expect(watch.last).toBe('ECONNREFUSED');
  });

  it('an answer from the server, even a refusal, starts the count again', () => {
    const watch = new OutageWatch();
    expect(watch.failed(watch.begin(), 'ETIMEDOUT')).toBe(false);
    expect(watch.failed(watch.begin(), 'ETIMEDOUT')).toBe(false);
    const pending = watch.begin();
    watch.answered();
    // An attempt begun before the answer brings nothing new; the next ones count from zero.
    expect(watch.failed(pending, 'ETIMEDOUT')).toBe(false);
    expect(watch.count).toBe(0);
    expect(watch.failed(watch.begin(), 'ETIMEDOUT')).toBe(false);
    expect(watch.failed(watch.begin(), 'ETIMEDOUT')).toBe(false);
    expect(watch.failed(watch.begin(), 'ETIMEDOUT')).toBe(true);
  });
});

describe('an SMTP server that answers 421 to every message (shutting down)', () => {
  it('is an outage: the run stops after a few attempts instead of retrying each message left', async () => {
    const { SMTPServer } = await import('smtp-server');
    let mailFrom = 0;
    // RFC 5321: 421 is "service not available, closing transmission channel" — the whole server.
    const closing = new SMTPServer({
      secure: false,
      logger: false,
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      onMailFrom(_a, _s, callback) {
        mailFrom++;
        callback(Object.assign(new Error('Service not available, closing transmission channel'), { responseCode: 421 }));
      },
    });
    closing.on('error', () => undefined);
    await new Promise<void>((r) => closing.listen(0, '127.0.0.1', r));
    const port = (closing.server.address() as { port: number }).port;
    try {
      const dir = await sampleWithLetters();
      const r = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: { RELAIS_SMTP_URL: `smtp://127.0.0.1:${port}`, RELAIS_SMTP_RETRY_MS: '20' } });
      expect(r.code).toBe(1);
      expect(r.json.outage).toMatchObject({ sent: 0, remaining: 301 });
      expect(r.stderr).toContain('serveur SMTP injoignable');
      // A few attempts in all (three lanes, three rounds), not four for each of the 301 messages.
      expect(mailFrom).toBeLessThanOrEqual(3 * OUTAGE_LIMIT);
      expect(rows(dir).filter((x) => x.status !== 'failed-temporary' && x.status !== 'pending')).toEqual([]);
    } finally {
      await new Promise<void>((r) => closing.close(() => r()));
    }
  });
});

describe('an SMTP server that refuses every message for the time being (4xx: disk full)', () => {
  it('stops once three messages in a row are given up on, none accepted between: the rest is left to send, the next run sends each once', async () => {
    const full = await smtp({ rejectData: { code: 452, message: '4.3.1 Insufficient system storage' } });
    const dir = await sampleWithLetters();
    const first = await relais(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(full, { RELAIS_SMTP_MAX_CONNECTIONS: '1' }) });
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("le serveur SMTP refuse pour l'instant chaque message (3 de suite, chacun après 4 essais, aucun accepté entre-temps) : il ne prend pas de courrier en ce moment ; envoi arrêté, relancez plus tard");
    expect(first.stderr).toContain('452 4.3.1 Insufficient system storage');
    // Three town halls tried (each four times), the 298 others never: not 301 × 4 refusals.
    expect(rows(dir).map((r) => [r.status, r.attempts])).toEqual([['failed-temporary', 4], ['failed-temporary', 4], ['failed-temporary', 4]]);

    // The next run, the relay back: the three refused and others, each once (a few, not the 301:
    // the rule is the same, the suite faster).
    const live = await smtp();
    const tried = rows(dir).map((r) => r.commune);
    const second = await relaisJson<Summary>(['-C', dir, 'send', '--commune', [...tried, '45234'].join(','), '--yes'], { env: env(live) });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json).toMatchObject({ ok: true, sent: 4 });
    expect(live.received.map((m) => m.to).sort()).toEqual([...new Set(live.received.map((m) => m.to))].sort());
    expect(live.received).toHaveLength(4);
  });
});

describe('town halls whose own mailbox is refused for the time being (4.2.2 mailbox full)', () => {
  it('are that many town halls, not a server refusing everything: the run goes on to the others', async () => {
    const full = { code: 452, message: '4.2.2 Mailbox full' };
    const server = await smtp({ rejectDataFor: { 'accueil@adon.example': full, 'mairie@amilly.example': full, 'mairie@ardon.example': full } });
    const dir = await sampleWithLetters();
    const send = await relais(['-C', dir, 'send', '--commune', '45001,45004,45006,45234', '--yes'], { env: env(server, { RELAIS_SMTP_MAX_CONNECTIONS: '1' }) });
    expect(send.stderr).not.toContain("refuse pour l'instant chaque message");
    expect(server.received.map((m) => m.to)).toContain('mairie@orleans.example');
  });
});

describe("an error of relais's own, the same for every message (a folder it cannot write to)", () => {
  it('stops the send after three messages given up on, saying it is the same error, not the server', async () => {
    const { deliver } = await import('../src/delivery/deliver.js');
    const { Journal } = await import('../src/delivery/journal.js');
    const { EMPTY_STATE } = await import('../src/delivery/send.js');
    // A temporary folder removed with the others at the file's end (tests/helpers/per-file.ts).
    const dir = tempDir('relais-own-error-');
    const journal = Journal.open(dir, 'essai');
    let attempts = 0;
    const transport = {
      kind: 'outbox' as const,
      target: { destination: 'outbox' as const, server: null },
      description: 'boîte d’envoi locale',
      concurrency: 1,
      retryBaseMs: 1,
      async verify() {},
      async send(): Promise<string> {
        attempts++;
        throw Object.assign(new Error("EACCES: permission denied, open 'out/outbox/x.eml'"), { code: 'EACCES' });
      },
      close() {},
    };
    const queue = Array.from({ length: 20 }, (_, i) => ({ recipient: { commune: { code: `450${String(i).padStart(2, '0')}` }, departement: { code: '45' }, contact: { courriel: `m${i}@x.example` } }, hash: 'h', messageId: `<${i}@x>` }));
    const summary = { sent: 0, failed: 0, unconfirmed: 0, failures: [], unconfirmedList: [], state: EMPTY_STATE } as unknown as Parameters<typeof deliver>[5];
    const run = deliver('email', queue as unknown as Parameters<typeof deliver>[1], () => ({}) as never, transport as unknown as Parameters<typeof deliver>[3], journal, summary, { retryBaseMs: 1 });
    await run;
    // The run stops and says why with its figures (send prints them): it does not throw them away.
    expect(summary.stopped).toMatch(/la même erreur pour chaque message \(3 de suite, chacun après 4 essais, aucun accepté entre-temps\) : EACCES/);
    // Three messages, four attempts each; the 17 others never tried.
    expect(attempts).toBe(12);
    journal.close();
  });
});
