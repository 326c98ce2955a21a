/**
 * Bench task: `relais send` of N messages, each with its commune's letter PDF, to an SMTP sink on
 * 127.0.0.1 started here in its own process (smtp-server, reading and discarding). Letters are written beforehand;
 * the figure covers preparing, journaling and sending. For comparison, the same number of
 * messages of the same size (the first letter, base64 in a plain MIME message) then go through
 * the transport alone (transport.ts over nodemailer's pool): the difference is relais' own work.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { readyCampaign } from '../src/campaign/check.js';
import { Journal } from '../src/delivery/journal.js';
import { sendCampaign } from '../src/delivery/send.js';
import { smtpTransport } from '../src/delivery/transport.js';
import { generateLetters } from '../src/letters/generate.js';
import { campaignPaths, communeFileStem } from '../src/campaign/paths.js';
import { report } from './measure.js';
import { tuneV8 } from '../src/v8-tuning.js';

// As bin/relais.js runs relais.
tuneV8();

const dir = process.argv[2] ?? '.';
const count = Number(process.argv[3] ?? 5000);
// The sink runs in its own process, on the other core, as a real server would.
const sink = spawn(process.execPath, [join(import.meta.dirname, 'smtp-sink.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => sink.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));

const ready = await readyCampaign(dir);
const chosen = ready.recipients.filter((r) => r.contact?.courriel).slice(0, count).map((r) => r.commune.code);
await generateLetters(ready, { communes: chosen });
rmSync(join(dir, '.relais'), { recursive: true, force: true });

const transport = smtpTransport({ url: new URL(`smtp://127.0.0.1:${port}`), user: undefined, password: undefined, maxConnections: 5, ca: undefined, timeoutMs: 30_000, replyTimeoutMs: 30_000, retryBaseMs: 2000, allowPlainAuth: false });
const start = performance.now();
const cpu = process.cpuUsage();
const summary = await sendCampaign(ready, transport, { communes: chosen });
const used = process.cpuUsage(cpu);
const ms = performance.now() - start;

// The journal alone, the same number of rows through the same two writes per message.
rmSync(join(dir, '.relais'), { recursive: true, force: true });
const journal = Journal.open(dir, 'bench');
const j0 = performance.now();
for (const code of chosen) {
  journal.markSending('courriel', { destination: 'server', server: 'bench' }, { commune: code, departement: '00', recipient: 'x@y.example', hash: 'h', messageId: 'm' });
  journal.finish('courriel', 'server', code, 'sent', '250 OK');
}
const journalMs = performance.now() - j0;
journal.close();
rmSync(join(dir, '.relais'), { recursive: true, force: true });

// The transport alone, as many lanes as sendCampaign uses.
const first = ready.recipients.find((r) => r.commune.code === chosen[0])!;
const pdf = readFileSync(campaignPaths(dir).letter(first.departement.code, communeFileStem(first.commune)));
const body = pdf.toString('base64').replace(/.{76}/g, '$&\r\n');
const raw = Buffer.from(
  `From: bench@relais.example\r\nTo: mairie@commune.example\r\nSubject: Lettre\r\nMessage-ID: <bench@relais.example>\r\nMIME-Version: 1.0\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`,
);
let next = 0;
const t0 = performance.now();
const alone = smtpTransport({ url: new URL(`smtp://127.0.0.1:${port}`), user: undefined, password: undefined, maxConnections: 5, ca: undefined, timeoutMs: 30_000, replyTimeoutMs: 30_000, retryBaseMs: 2000, allowPlainAuth: false });
await Promise.all(
  Array.from({ length: alone.concurrency }, async () => {
    while (next < chosen.length) {
      next++;
      await alone.send({ envelope: { from: 'bench@relais.example', to: 'mairie@commune.example' }, raw, messageId: '<bench@relais.example>', outboxPath: 'x.eml' });
    }
  }),
);
const transportMs = performance.now() - t0;
alone.close();
sink.kill();
report({ ms, cpuMs: (used.user + used.system) / 1000, sent: summary.sent, failed: summary.failed, journalMs, transportMs, messageBytes: raw.length });
