import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithoutPublications } from './helpers/campaign.js';
import { BIN, relais } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * `relais send` dies mid-message (SIGKILL, out of memory, the laptop's battery, a closed SSH
 * session): the server has received Orléans's whole message and the answer never came back. The
 * journal rightly keeps the row `sending`. The first thing a user does after a crash is ask where
 * the campaign stands — `relais status`, then `relais status --failed` (or `--csv` for the
 * follow-up calls to town halls), which the README says lists « les échecs, les remises inconnues
 * et les retours ». Today:
 *   - `status` says « courriels par serveur SMTP : 1 en cours » — as if a send were running; none is;
 *   - `status --failed` says « Aucun échec. » and does not name Orléans at all.
 * Only a later `relais send` turns the row into « non confirmé ». Until then the one message whose
 * fate is unknown is invisible in every report meant to show it.
 *
 * A user expects, when no send is running (no live `.relais/send.lock`), that a message left
 * `sending` by a dead run is shown as what it is: a delivery whose outcome is unknown (« non
 * confirmé », « interrompu pendant l'envoi »), listed by `status --failed` with its town hall.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * A campaign with one Facebook post, whose `schedule run` is killed while Facebook holds its answer
 * (the request is there: the post may be online).
 */
async function killedWhilePublishing(social: SocialServer): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = sampleWithoutPublications();
  const env = { ...socialEnv(social), RELAIS_HTTP_TIMEOUT_MS: '60000' };
  expect((await relais(['-C', dir, 'schedule', 'add', '--channel', 'facebook', '--at', 'now', '--text', 'Merci aux maires'], { env })).code).toBe(0);
  social.script.facebook.push({ status: 200, hang: true });
  const child = spawn(process.execPath, [BIN, '-C', dir, 'schedule', 'run'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  await waitFor(() => social.received.length > 0);
  child.kill('SIGKILL');
  await exited;
  return { dir, env };
}

describe('what relais reports after a run was killed in the middle of a delivery, before any new run', () => {
  it('status names the message whose delivery is unknown, instead of « en cours » and « Aucun échec »', async () => {
    // The server takes Orléans's message and never answers: the run is killed right there.
    server = await startSmtp({ stallData: ['mairie@orleans.example'] });
    const smtp = server;
    const dir = sampleCampaign();
    const child = spawn(process.execPath, [BIN, '-C', dir, 'send', '--commune', '45234', '--yes'], { env: { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: smtp.url }, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    await waitFor(() => smtp.stalled.length > 0);
    child.kill('SIGKILL');
    await exited;

    const status = await relais(['-C', dir, 'status']);
    expect(status.code).not.toBe(2);
    // No send is running: « en cours » is not true.
    expect(status.stdout).not.toMatch(/\ben cours\b/);
    expect(status.stdout).toMatch(/non confirmé/);

    const failed = await relais(['-C', dir, 'status', '--failed']);
    expect(failed.stdout).not.toContain('Aucun échec');
    expect(failed.stdout).toMatch(/45234 .*non confirmé/);
  });

  /**
   * The same for a post: `schedule run` killed while Facebook holds its answer (the request is
   * there: the post may be online). Until the next `schedule run`, `schedule list` says « 0 publiée
   * sur les réseaux, 1 prévue » and « en cours », and `schedule cancel 1` answers « attendez la fin
   * de « relais schedule run » » — a run that no longer exists. A user expects the post said
   * « non confirmé » (vérifiez sur le réseau) once its run is gone, and never counted « prévue ».
   */
  it('schedule list names a post left publishing by a killed run as unconfirmed, not « prévue » and « en cours »', async () => {
    const social = await startSocial();
    try {
      const { dir, env } = await killedWhilePublishing(social);

      const list = await relais(['-C', dir, 'schedule', 'list'], { env });
      expect(list.stdout).not.toMatch(/1 prévue/);
      expect(list.stdout).not.toMatch(/\ben cours\b/);
      expect(list.stdout).toMatch(/non confirmé/);
    } finally {
      await social.close();
    }
  });

  it('schedule cancel of a post left publishing by a killed run does not say to wait for that run', async () => {
    const social = await startSocial();
    try {
      const { dir, env } = await killedWhilePublishing(social);

      const cancel = await relais(['-C', dir, 'schedule', 'cancel', '1'], { env });
      expect(cancel.stderr).not.toContain('attendez');
      expect(cancel.code, cancel.stderr).toBe(0);
      // Cancelled, with what the user must still check: the post may be on Facebook.
      expect(cancel.stdout).toMatch(/annulée.*vérifiez/);
    } finally {
      await social.close();
    }
  });
});
