import { afterAll, beforeAll } from 'vitest';
import { startSmtp, type TestSmtp } from '../servers/smtp.js';
import { sampleCampaign } from './campaign.js';
import { relais } from './cli.js';
import { sentOnCampaignMorning } from './mbox.js';

/**
 * A copy of the sample campaign whose email to Adon (45001) a local SMTP server has accepted: the
 * start of the bounce tests, which then feed relais the notices servers write. `adon` holds the
 * address written to and the envelope sender, where the notices come back. The send is dated
 * 10 April 2020 at 10:15 in Paris (sentOnCampaignMorning), as the notices are.
 */
export function sentToAdon(): { dir: () => string; adon: () => { to: string; from: string } } {
  let server: TestSmtp;
  let dir = '';
  let adon = { to: '', from: '' };
  beforeAll(async () => {
    server = await startSmtp();
    dir = sampleCampaign();
    const send = await relais(['-C', dir, 'send', '--commune', '45001', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    if (send.code !== 0) throw new Error(send.stderr);
    // The notices these tests write are dated 10 April 2020, after the send.
    sentOnCampaignMorning(dir);
    adon = { to: server.received[0]!.to, from: server.received[0]!.mailFrom };
  });
  afterAll(async () => {
    await server.close();
  });
  return { dir: () => dir, adon: () => adon };
}
