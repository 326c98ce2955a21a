import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedSmtp } from './servers/scripted-smtp.js';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais, type RunResult } from './helpers/cli.js';
import { flat, readPdf } from './helpers/pdf.js';

/**
 * The préfecture's relay takes the Loiret's messages, all but one: its content filter refuses Adon's
 * (« 550 5.7.1 Message rejected as spam by Content Filtering » at the end of DATA) — something in
 * that one message (the commune's letter, its name) trips it, and it does so at every run.
 *
 * Since this session a 5.7.x at the end of DATA « tient au message, pas à l'adresse : la mairie
 * n'est pas passée au courrier, elle reste à envoyer » (README). Run after run, Adon is refused
 * again; nothing ever moves it to the post, and no command says it should go there:
 * - `relais status` says « 325 mairies : 301 par courriel dont 0 à envoyer, 24 par courrier » —
 *   every town hall reached or on its way, none left; Adon was reached by neither;
 * - `relais letters` leaves it out of impression-45.pdf (« 24 lettres à imprimer »), the print
 *   file of the town halls email does not reach;
 * - `relais run` shows « Échecs 1 » and nothing else, as after any passing 4xx.
 * Adon's mayor never gets the letter, and the campaign's figures say every town hall was reached.
 *
 * Likely cause: src/delivery/deliver.ts journals a `content` refusal « failed-temporary » like a
 * 4xx (retried at each run, never counted « refused »); src/delivery/send.ts deliveryState counts
 * a failed town hall neither in notSent (status's « à envoyer ») nor by post (reachedByPost), and
 * nothing looks at a refusal repeated over runs while the same relay accepts every other message.
 */
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers.splice(0)) await c();
});

async function filteringOne(refused: string) {
  const server = await scriptedSmtp({ data: (to) => (to === refused ? { code: 550, message: '5.7.1 Message rejected as spam by Content Filtering' } : undefined) });
  closers.push(server.close);
  return server;
}

describe("a content filter that refuses one town hall's message at every run", () => {
  let dir: string;
  let runs: RunResult[];
  let accepted: string[];

  beforeAll(async () => {
    const server = await filteringOne('accueil@adon.example');
    accepted = server.accepted;
    dir = await sampleWithLetters();
    // One connection: Adon (45001) is refused first, and the relay takes the others after it — the
    // rule asks for a message accepted since the refusal (with parallel lanes they may come before).
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    runs = [];
    // Three runs over three days: the first sends three town halls of the Loiret, the next two try
    // Adon again (three, not the 301: the suite stays fast; the rule is the same).
    for (let i = 0; i < 3; i++) runs.push(await relais(['-C', dir, 'send', '--commune', '45001,45004,45006', '--yes'], { env }));
  }, 300_000);

  it('is refused at the first run, then again at the second, when it goes by post; the third writes to it no more', () => {
    expect([...accepted].sort()).toEqual(['mairie@amilly.example', 'mairie@ardon.example']);
    // The rule chosen (README, « relais send »): the same content refusal at a later run, while the
    // relay takes the others, is that town hall's — its letter goes by post.
    expect(runs[0]!.stdout).toContain('45001 accueil@adon.example : refusé par la politique du serveur une fois le message lu');
    expect(runs[1]!.stdout).toContain("45001 accueil@adon.example : refusé une deuxième fois par la politique du serveur (5.7.1), d'une exécution à l'autre, alors que les autres messages passent : la lettre de cette mairie part par courrier");
    expect(runs[2]!.stdout).not.toContain('45001 accueil@adon.example');
  });

  it('status does not say that no town hall of the Loiret is left, Adon being reached by neither email nor post', async () => {
    const status = await relais(['-C', dir, 'status']);
    expect(status.code, status.stderr).toBe(0);
    // Today: « 45 Loiret — 325 mairies : 301 par courriel dont 0 à envoyer, 24 par courrier ».
    // Adon by post now, the 298 never tried still to send.
    expect(status.stdout).toContain('45 Loiret — 325 mairies : 300 par courriel dont 298 à envoyer, 25 par courrier');
  });

  it('after three runs refused, Adon gets its letter by post: it is in the print file', async () => {
    const letters = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(letters.code, letters.stderr).toBe(0);
    const print = join(dir, 'out/lettres/45/impression-45.pdf');
    expect(existsSync(print)).toBe(true);
    // Today: « impression-45.pdf : 24 lettres à imprimer », the town halls without an address only.
    expect(flat(await readPdf(print)), "Adon's mayor never gets the letter").toContain("MAIRIE D'ADON");
  });
});
