import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopback } from '../src/delivery/transport.js';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * No credential in clear: a password goes only over TLS (smtps:// or STARTTLS). The test server
 * records every AUTH it receives and whether the session was encrypted at that moment.
 */
const servers: TestSmtp[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function smtp(faults: Parameters<typeof startSmtp>[0]): Promise<TestSmtp> {
  const s = await startSmtp(faults);
  servers.push(s);
  return s;
}

const PASSWORD = 'Mot2Passe-En-Clair';
const credentials = { RELAIS_SMTP_USER: 'prefecture', RELAIS_SMTP_PASSWORD: PASSWORD, RELAIS_SMTP_RETRY_MS: '20' };

describe('a server that offers no STARTTLS', () => {
  it('gets no AUTH: relais refuses in French before sending the password, even on 127.0.0.1', async () => {
    const server = await smtp({ auth: { user: 'prefecture', pass: PASSWORD } });
    const dir = sampleCampaign();
    const { code, stdout, stderr } = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: server.url, ...credentials } });
    expect(code).toBe(1);
    expect(stderr).toContain('le serveur SMTP ne propose pas de connexion chiffrée (STARTTLS) : relais n’y envoie pas le mot de passe');
    expect(stderr).toContain('RELAIS_SMTP_ALLOW_PLAIN_AUTH');
    expect(stdout + stderr).not.toContain(PASSWORD);
    expect(server.auths).toEqual([]);
    expect(server.received).toHaveLength(0);
  });

  it('a local relay named explicitly (RELAIS_SMTP_ALLOW_PLAIN_AUTH=1 on loopback) takes it in clear — what nodemailer alone would do everywhere', async () => {
    const server = await smtp({ auth: { user: 'prefecture', pass: PASSWORD } });
    const dir = sampleCampaign();
    const { code, json, stderr } = await relaisJson<{ sent: number }>(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: server.url, ...credentials, RELAIS_SMTP_ALLOW_PLAIN_AUTH: '1' } });
    expect(code, stderr).toBe(0);
    expect(json.sent).toBe(1);
    expect(server.auths.length).toBeGreaterThanOrEqual(1);
    expect(server.auths.every((a) => a.user === 'prefecture' && !a.secure)).toBe(true);
  });

  it.each([
    ['a remote server', 'smtp://prefecture:secret@192.0.2.25:25', 'n\'est accepté que pour un relais sur cet ordinateur'],
    ['a host name', 'smtp://prefecture:secret@mail.prefecture.example:587', 'pas pour mail.prefecture.example'],
  ])('the setting is refused for %s, before any connection', async (_what, url, message) => {
    const { code, stderr } = await relais(['-C', sampleCampaign(), 'send', '--yes'], { env: { RELAIS_SMTP_URL: url, RELAIS_SMTP_ALLOW_PLAIN_AUTH: '1' } });
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('secret');
  });

  it('a server offering STARTTLS gets the password over TLS only', async () => {
    const server = await smtp({ auth: { user: 'prefecture', pass: PASSWORD }, tls: true });
    const caFile = join(tempDir(), 'ca.pem');
    writeFileSync(caFile, server.cert!);
    const { code, json, stderr } = await relaisJson<{ sent: number }>(['-C', sampleCampaign(), 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: server.url, ...credentials, RELAIS_SMTP_CA_FILE: caFile } });
    expect(code, stderr).toBe(0);
    expect(json.sent).toBe(1);
    expect(server.auths.length).toBeGreaterThanOrEqual(1);
    expect(server.auths.every((a) => a.secure)).toBe(true);
  });

  it('without credentials nothing changes: a relay without STARTTLS still takes the messages', async () => {
    const server = await smtp({});
    const { code, json } = await relaisJson<{ sent: number }>(['-C', sampleCampaign(), 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(code).toBe(0);
    expect(json.sent).toBe(1);
    expect(server.auths).toEqual([]);
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['localhost.example', false],
    ['[2001:db8::1]', false],
    ['smtp.prefecture.gouv.fr', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
