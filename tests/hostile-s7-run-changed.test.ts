import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The email template is corrected after a first send to Adon (45001). `relais send` then says
 * « 1 mairie a déjà reçu une version différente de ce courriel : --resend-changed … ». `relais run`
 * keeps that warning in its --json (envoi.warnings, envoi.changed) but its human summary drops it:
 * « 300 envoyés, 0 déjà envoyé, 0 échec, 24 par courrier » — 300 + 24 of 325 town halls, Adon
 * gone from the count without a word, and nothing tells the user that `run` has no
 * --resend-changed (src/cli/run.ts, the emails step's line).
 *
 * And `send` itself only counts them: after a new RNE export changes one mayor out of two already
 * emailed, « 1 mairie a déjà reçu une version différente » names neither the commune nor the
 * address, in text or in --json (src/delivery/send.ts counts `changed`; src/cli/send.ts prints it).
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('run after the email template was corrected', () => {
  it('says that a town hall already got another version, as send does', async () => {
    server = await startSmtp();
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url };
    const first = await relais(['-C', dir, 'send', '--commune', '45001', '--yes'], { env });
    expect(first.code, first.stderr).toBe(0);
    const template = join(dir, 'templates', 'courriel-texte.hbs');
    writeFileSync(template, readFileSync(template, 'utf8').replace('Vous trouverez ci-joint', 'Veuillez trouver ci-joint'));
    const send = await relais(['-C', dir, 'send', '--commune', '45001', '--yes'], { env });
    expect(send.stdout + send.stderr).toMatch(/version différente/);

    const run = await relais(['-C', dir, 'run', '--dep', '45', '--yes'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(server.received).toHaveLength(1 + 300);
    // Today the run's summary counts 300 sent and 24 by post, and says nothing of Adon.
    expect(run.stdout + run.stderr).toMatch(/version différente/);
  });

  it('send names the town halls that got another version, so that --resend-changed is a decision, not a blind resend', async () => {
    server = await startSmtp();
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url };
    await relais(['-C', dir, 'send', '--commune', '45001,45002', '--yes'], { env });
    const path = join(dir, 'data', 'maires.csv');
    // A new RNE: Adon's mayor changed (the email's salutation with it); Aillant's email is as sent.
    writeFileSync(path, readFileSync(path, 'utf8').replace(';45001;Adon;DUBOIS;Jean;M;', ';45001;Adon;MARTIN;Claire;F;'));
    const send = await relais(['-C', dir, 'send', '--commune', '45001,45002', '--yes'], { env });
    const output = send.stdout + send.stderr;
    expect(output).toMatch(/1 mairie a déjà reçu une version différente/);
    // Today: « 1 mairie a déjà reçu une version différente de ce courriel : --resend-changed pour
    // la leur renvoyer » — which one? (the --json neither: `changed` is a count).
    expect(output).toMatch(/45001|Adon/);
  });
});
