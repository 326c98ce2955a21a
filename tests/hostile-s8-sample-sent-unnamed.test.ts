import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/campaign.js';
import { ROOT, type RunResult } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * `-C` defaults to « le dossier courant s'il contient campagne.yaml, sinon la campagne d'exemple ».
 * A préfecture agent who runs `RELAIS_SMTP_URL=… relais send --yes` from the wrong folder (a `cd`
 * that failed in a script, a terminal opened in the home folder) sends the sample campaign — the
 * ARS Centre-Val de Loire's 2020 call — through the préfecture's server: 255 messages for the
 * Indre-et-Loire here, and the output reads « Destination : serveur SMTP … / Cette exécution :
 * 255 envoyés … » without a word of which campaign that was. The agent reads « 255 envoyés » as
 * their own campaign sent; `check` names the campaign folder, `send` does not.
 *
 * relais is run here from a copy of the installed package (bin/, dist/, the sample campaign,
 * node_modules linked), not the repository's own: the sample campaign that gets sent is the
 * package's, and a test must not leave a journal in the repository.
 * Likely cause: src/cli/send.ts prints the destination and the counts, never the campaign's folder
 * (nor that it is the sample chosen by default, src/cli/context.ts / campaign folder resolution).
 */
let server: TestSmtp;
let pkg: string;

beforeAll(async () => {
  server = await startSmtp();
  pkg = join(tempDir(), 'relais');
  mkdirSync(pkg);
  for (const entry of ['bin', 'dist', 'package.json', 'campagne.yaml', 'templates', 'data', 'medias']) cpSync(join(ROOT, entry), join(pkg, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
});
afterAll(async () => {
  await server.close();
});

function installed(args: string[], cwd: string, env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(pkg, 'bin', 'relais.js'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('relais send --yes from a folder that holds no campaign', () => {
  it('says that what it sent is the sample campaign (its folder), not only « 255 envoyés »', async () => {
    const elsewhere = tempDir();
    const sent = await installed(['send', '--dep', '37', '--yes'], elsewhere, { RELAIS_SMTP_URL: server.url });
    // A relais that refuses to send the sample by default passes; one that sends it must say so.
    if (server.received.length > 0) {
      // Today: « Destination : serveur SMTP smtp://127.0.0.1:… » and the counts, no campaign named.
      expect(sent.stdout + sent.stderr).toMatch(new RegExp(`exemple|${pkg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });
});
