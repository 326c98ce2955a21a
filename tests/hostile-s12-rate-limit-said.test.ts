import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Output } from '../src/cli/output.js';
import { runProblems } from '../src/cli/schedule-run.js';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { publishDue } from '../src/delivery/schedule.js';
import { publishers } from '../src/delivery/social.js';
import { readEnvironment } from '../src/settings.js';
import { tempDir } from './helpers/campaign.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * LinkedIn answers 429 with « Retry-After: 3600 »: the post is put off by an hour. What the ARS
 * communicator in Paris reads (src/cli/schedule-run.ts runProblems): « … n° 1 linkedin : LinkedIn :
 * limite d’appels atteinte, nouvel essai après 2026-12-01T02:10:00.000Z » — a UTC instant in ISO
 * form, an hour (two in summer) off their clock, when every other time relais shows a planned post
 * at is local with its zone (« 2031-04-11 09:00 Europe/Paris », schedule list).
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial();
});
afterAll(() => server.close());

describe('a post put off by a 429', () => {
  it('says when it will be tried again on the post’s own clock, not as a UTC ISO instant', async () => {
    server.script.linkedin.push({ status: 429, headers: { 'retry-after': '3600' }, body: { status: 429, message: 'Resource level throttle limit' } });
    const dir = tempDir();
    const journal = Journal.open(dir, 'hostile-s12');
    try {
      const store = new PostStore(journal);
      const now = new Date();
      store.add({ channel: 'linkedin', text: 'Appel aux volontaires', local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: now, source: 'cli' });
      const run = await publishDue(store, publishers(readEnvironment(socialEnv(server)), dir, dir), { now: () => now, retryBaseMs: 1 });
      expect(run.deferred).toHaveLength(1);
      const [line] = runProblems(new Output(false), run, 'relais schedule run');
      expect(line).toContain('nouvel essai');
      expect(line, line).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
    } finally {
      journal.close();
    }
  });
});
