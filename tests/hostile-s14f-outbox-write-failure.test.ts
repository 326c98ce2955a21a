import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { sendCampaign } from '../src/delivery/send.js';
import { outboxTransport } from '../src/delivery/transport.js';
import { sampleWithLetters } from './helpers/campaign.js';

/**
 * `relais send` to the local outbox when the outbox cannot take a message: a full disk, or (as
 * here, deterministic) a folder in the way of the .eml file. Each failure is printed, and kept in
 * the journal for `status --failed`, with the reason twice in a row: « impossible d'écrire
 * …/45234-orleans.eml : c'est un dossier, pas un fichier impossible d'écrire …/45234-orleans.eml :
 * c'est un dossier, pas un fichier » (deliver.ts joins the message and the « server reply », which
 * for a local write are the same text). When every message fails alike the run stops with
 * « … — 0 message envoyé avant l'arrêt, les autres le seront à la prochaine exécution » — on the
 * outbox, where the lines just above say « écrits » and « aucun message n'a quitté cet ordinateur ».
 * A user expects the reason once, and the outbox's own word (écrit) in the stop message.
 */
describe('relais send when the outbox refuses to write', () => {
  it('says the reason once per message, and « écrit », not « envoyé », for the outbox', async () => {
    const dir = await sampleWithLetters();
    const outbox = join(dir, 'out', 'outbox');
    const communes = ['45234-orleans', '45001-adon', '45002-aillant-sur-milleron', '45004-amilly'];
    for (const stem of communes) mkdirSync(join(outbox, '45', `${stem}.eml`), { recursive: true });
    const r = await sendCampaign(await readyCampaign(dir), outboxTransport(outbox), {
      communes: communes.map((c) => c.slice(0, 5)),
      workers: 1,
      retryBaseMs: 0,
    });
    expect(r.sent).toBe(0);
    expect(r.failures.length).toBeGreaterThan(0);
    for (const f of r.failures) {
      expect(f.reply).toMatch(/impossible d'écrire .*\.eml : c'est un dossier/);
      // Now: the same sentence twice.
      expect(f.reply.match(/impossible d'écrire/g)?.length).toBe(1);
    }
    expect(r.stopped).toMatch(/avant l'arrêt/);
    // Now: « 0 message envoyé avant l'arrêt » for an outbox that sends nothing.
    expect(r.stopped).not.toMatch(/envoyés? avant l'arrêt/);
  });
});
