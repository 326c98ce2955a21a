import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

let server: SocialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * The guide, step 8 then "ou tout d'un coup : relais run": the three publications of the sample
 * were published by `schedule run --publish-late`; the next `relais run` ends with a summary of
 * the campaign. Its e-mail figures come from the journal ("0 envoyé, 556 déjà envoyés"); its
 * publication figures say "0 publiée, 0 prévue" — as if nothing had ever been published.
 */
describe('relais run after the publications went out', () => {
  it('its summary counts the posts already published, as it counts the emails already sent', async () => {
    server = await startSocial();
    const env = socialEnv(server);
    const dir = sampleCampaign();
    const published = await relais(['-C', dir, 'schedule', 'run', '--publish-late'], { env });
    expect(published.code, published.stderr).toBe(0);
    expect(server.published).toHaveLength(3);
    const run = await relais(['-C', dir, 'run'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(server.published).toHaveLength(3);
    const said = `${run.stdout}\n${run.stderr}`;
    const line = said.split('\n').find((l) => l.startsWith('Publications :'));
    // It used to say "Publications : 0 publiée, 0 prévue (relais schedule list)", and --json publiees: 0,
    // while schedule list says "3 publiées sur les réseaux".
    expect(line).toBe('Publications : 3 publiées sur les réseaux, 0 prévue (relais schedule list)');
  });
});
