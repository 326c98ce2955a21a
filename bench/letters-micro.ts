/**
 * `node dist/bench/letters-micro.js [count]`: the letter serializer alone, in one thread, without
 * the campaign or the file system: CPU time per letter, identical and personalised. A figure to
 * compare two versions of src/letters/ on a busy machine (CPU time, not wall time).
 */
import { rmSync } from 'node:fs';
import { readyCampaign } from '../src/campaign/check.js';
import { departementContext, recipientContext } from '../src/campaign/context.js';
import { campaignVideo } from '../src/media/facts.js';
import { buildLetter } from '../src/campaign/letter.js';
import { loadAssets } from '../src/letters/assets.js';
import { jobCharacters, letterWriter, type RenderSetup } from '../src/letters/jobs.js';
import { personalisedCampaign } from './personalised.js';

const count = Number(process.argv[2] ?? 2000);
const dir = personalisedCampaign(process.argv[3] ?? '.');
const ready = await readyCampaign(dir);
const { campaign } = ready;
const assets = await loadAssets(campaign);
const dep = campaign.departements.find((d) => d.code === '45') ?? campaign.departements[0]!;
const depContext = departementContext(campaign, dep, ready.figures, campaignVideo(campaign));
const options = {
  issuer: { authority: depContext.prefet.titre.toUpperCase(), coIssuer: [campaign.config.ars.nom], logo: assets.logo },
  platformUrl: campaign.config.campagne.plateforme.url,
  signatureImages: { prefet: assets.signatures.prefets.get(dep.code), ars: assets.signatures.ars },
};
const recipients = ready.recipients.filter((r) => r.departement.code === dep.code);
const letters = recipients.map((r) => buildLetter(ready.templates, recipientContext(depContext, r)));
const setup: RenderSetup = { fonts: assets.fonts, options: { [dep.code]: options } };
setup.characters = jobCharacters(setup, [{ kind: 'letters', bases: Object.fromEntries(letters.map((l, i) => [String(i), l])), items: letters.map((l, i) => ({ key: String(i), dep: dep.code, adresse: l.adresse, meta: { title: '', author: '', subject: '' }, path: '' })) }]);
const writer = letterWriter(setup);
const meta = { title: 'Lettre aux maires', author: 'Préfet', subject: campaign.config.campagne.objet };
const identical = letters.map((l) => ({ ...letters[0]!, adresse: l.adresse }));
try {
for (const [name, list] of [['identiques', identical], ['personnalisées', letters]] as const) {
  // Warm-up on the first letters only: each personalised letter measured is seen once.
  for (let i = 0; i < 20; i++) await writer.letter(identical[i]!, options, meta);
  const n = name === 'identiques' ? count : list.length;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += (await writer.letter(list[i % list.length]!, options, meta)).length;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  process.stdout.write(`${name} (${n}) : ${(cpuMs / n).toFixed(3)} ms de processeur par lettre (${((n / cpuMs) * 1000).toFixed(0)} lettres/s sur un cœur), mur ${((performance.now() - start) / n).toFixed(3)} ms, ${(bytes / n / 1024).toFixed(1)} Kio par lettre\n`);
}
} finally {
  rmSync(dir, { recursive: true, force: true });
}
