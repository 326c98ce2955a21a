import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithoutPublications } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * X answers a publication with 429 and `Retry-After: 3600` (the HTTP way of giving the reset, as
 * a gateway in front of the API sends it), without `x-rate-limit-reset`. LinkedIn's 429 reads
 * Retry-After (src/delivery/social.ts); X's does not: the post is retried after relais's own
 * 15 minutes, 45 minutes before the network allows it, and the journal says the network gave no
 * time to resume — which is not true. The README: « Une limite d'appels (429) reporte la
 * publication à l'heure de reprise donnée par le réseau ».
 */
let server: SocialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Post {
  status: string;
  next_attempt_utc: string | null;
  last_error: string | null;
}

describe('X answers 429 with Retry-After', () => {
  it('defers the post to the time the network gave, and does not say it gave none', async () => {
    server = await startSocial();
    const dir = sampleWithoutPublications();
    const env = socialEnv(server);
    server.script.twitter.push({ status: 429, headers: { 'retry-after': '3600' }, body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 } });
    const added = await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', 'now', '--text', 'Message limité'], { env });
    expect(added.code, added.stderr).toBe(0);
    const before = Date.now();
    const run = await relais(['-C', dir, 'schedule', 'run'], { env });
    const after = Date.now();
    expect(run.stdout + run.stderr).toContain('limite');
    expect(server.published).toHaveLength(0);
    const [post] = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'], { env })).json;
    expect(post!.status).toBe('queued');
    // It used to say « X : limite de publication atteinte (sans heure de reprise donnée par le
    // réseau) » and retry 15 minutes later.
    expect(post!.last_error).not.toContain('sans heure de reprise');
    const next = Date.parse(post!.next_attempt_utc ?? '');
    expect(next, 'retried before the Retry-After the network gave').toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(next).toBeLessThanOrEqual(after + 3600_000 + 1000);
  });
});
