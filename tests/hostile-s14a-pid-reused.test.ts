import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithoutPublications } from './helpers/campaign.js';
import { BIN, relais } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';
import { socialEnv, startSocial } from './servers/social.js';

/**
 * `relais send` in a container (`docker run -v /srv/campagne:/campagne … relais -C /campagne send`),
 * as préfecture IT runs scheduled jobs: node is process 1 of its container, every time. The
 * container is killed mid-send (out of memory, `docker kill`, the host rebooted): the lock
 * `.relais/send.lock` stays, holding « 1 ». The next container's relais is process 1 again: the
 * lock's process « is alive » — it is relais itself — and every send from then on is refused with
 * « un autre « relais send » tourne déjà sur cette campagne (processus 1) : attendez qu'il se
 * termine ». Nothing runs; waiting changes nothing; the campaign is stuck until someone finds and
 * deletes the file by hand (the README says a lock left by a SIGKILL is taken over).
 *
 * The same happens outside containers whenever the dead run's process id has been given to another
 * program since (after a reboot, ids start again from low numbers).
 *
 * A user expects the run after a crash to take the stale lock over, as the README promises: a lock
 * naming this very process cannot be another run's. Reproduced with a real PID namespace
 * (`unshare --pid`), where relais is process 1 as in a container.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a run killed in a container (process 1), then run again in a new one', () => {
  it('send takes its own stale lock over instead of waiting for « processus 1 » forever', async () => {
    // Orléans's message is received and never answered: the run is killed there, mid-send.
    server = await startSmtp({ stallData: ['mairie@orleans.example'] });
    const smtp = server;
    const dir = sampleCampaign();
    const env = { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: smtp.url };
    const inContainer = (args: string[]) => ['--pid', '--fork', '--kill-child=SIGKILL', process.execPath, BIN, '-C', dir, ...args];
    const first = spawn('unshare', inContainer(['send', '--commune', '45234', '--yes']), { env, stdio: 'ignore' });
    const exited = new Promise((r) => first.once('exit', r));
    await waitFor(() => smtp.stalled.length > 0);
    // The lock names process 1 (its first word; then, on Linux, when that process started).
    expect(readFileSync(join(dir, '.relais', 'send.lock'), 'utf8').trim().split(/\s+/)[0]).toBe('1');
    first.kill('SIGKILL');
    await exited;
    // (relais, process 1 of its namespace, died with unshare.)
    await waitFor(() => spawnSync('pgrep', ['-f', `${dir} send`]).status === 1);

    const again = spawnSync('unshare', inContainer(['send', '--commune', '45234', '--yes', '--json']), { env, encoding: 'utf8' });
    expect(again.stderr).not.toContain('tourne déjà');
    // The run goes on: Orléans's message, maybe received, is said as such (not sent twice).
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, unconfirmedList: [{ commune: '45234' }] });
    expect(smtp.stalled).toEqual(['mairie@orleans.example']);
  });

  /**
   * The same for `schedule run` (a cron job in a container): killed while Facebook holds its
   * answer, the post stays `publishing`, claimed by « <host>:1 ». The next run, process 1 again on
   * the same host name (`docker run --hostname`, a pod of a StatefulSet, or the host after a
   * reboot), takes that claim for its own live one: the post is never said unconfirmed.
   * `schedule list` shows it « en cours » forever and `schedule cancel` answers « attendez la fin
   * de relais schedule run » — a run that died long ago. A user expects what the README promises
   * after a crash: the post is `unconfirmed` (« vérifiez sur le réseau »), never republished alone.
   */
  it('schedule run: a post left publishing by a killed run is said unconfirmed, not « en cours » forever', async () => {
    const social = await startSocial();
    try {
      const dir = sampleWithoutPublications();
      const env = { ...process.env, NO_COLOR: '1', ...socialEnv(social), RELAIS_HTTP_TIMEOUT_MS: '60000' };
      expect((await relais(['-C', dir, 'schedule', 'add', '--channel', 'facebook', '--at', 'now', '--text', 'Merci aux maires'], { env })).code).toBe(0);
      social.script.facebook.push({ status: 200, hang: true });
      const inContainer = (args: string[]) => ['--pid', '--fork', '--kill-child=SIGKILL', process.execPath, BIN, '-C', dir, ...args];
      const first = spawn('unshare', inContainer(['schedule', 'run']), { env, stdio: 'ignore' });
      const exited = new Promise((r) => first.once('exit', r));
      await waitFor(() => social.received.length > 0);
      first.kill('SIGKILL');
      await exited;
      await waitFor(() => spawnSync('pgrep', ['-f', `${dir} schedule`]).status === 1);

      const again = spawnSync('unshare', inContainer(['schedule', 'run', '--json']), { env, encoding: 'utf8' });
      // It said « 0 publiée, 1 prévue » (`bilan.prevues` counts `publishing`), exit 0.
      expect(JSON.parse(again.stdout)).toMatchObject({ bilan: { nonConfirmees: 1, prevues: 0 } });
      const list = spawnSync(process.execPath, [BIN, '-C', dir, 'schedule', 'list'], { env, encoding: 'utf8' });
      expect(list.stdout).toContain('non confirmé');
      expect(list.stdout).not.toContain('en cours');
      // Never published twice.
      expect(social.received).toHaveLength(1);
    } finally {
      await social.close();
    }
  });
});
