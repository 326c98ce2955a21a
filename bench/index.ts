/**
 * `npm run bench`: performance figures, printed, never a failure (these machines are shared and
 * noisy: a timing is information, not a test). Each figure runs in its own process.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';
import { writeNationalCampaign } from '../scripts/national-data.js';
import { fmt, measure } from './measure.js';

const national = join(packageRoot(), 'bench', 'national');
if (!existsSync(join(national, 'campagne.yaml')) || !existsSync(join(national, 'data', 'annuaire-mairies.json'))) {
  process.stdout.write('Génération du fichier national (34 969 communes)…\n');
  writeNationalCampaign(national);
}

const rows: Array<[string, string, string, string]> = [];
function line(name: string, value: string, target: string, memory: string): void {
  rows.push([name, value, target, memory]);
  process.stdout.write(`${name} : ${value} (objectif ${target}), mémoire ${memory}\n`);
}

// Start-up: every command pays it; the median of five, Node's own start included.
const starts = Array.from({ length: 5 }, () => measure('task-startup.js', [])).sort((a, b) => a.wallMs - b.wallMs);
line('démarrage (relais count, médiane de 5)', `${fmt(starts[2]!.wallMs / 1000, 2)} s`, '—', `${fmt(Math.max(...starts.map((s) => s.peakMb)))} Mo`);

const check = measure('task-check.js', [national]);
line(
  `relais check, national (${fmt(Number(check.figures.recipients))} communes)`,
  `${fmt(Number(check.figures.ms) / 1000, 2)} s (${fmt(check.wallMs / 1000, 2)} s avec le démarrage de Node)`,
  '< 2 s, < 300 Mo',
  `${fmt(check.peakMb)} Mo`,
);

const directory = measure('task-directory.js', [national]);
line(
  `annuaire DILA national lu et joint (${fmt(Number(directory.figures.records))} fiches, ${fmt(Number(directory.figures.townHalls))} mairies retenues, RNE compris)`,
  `${fmt(Number(directory.figures.ms) / 1000, 2)} s (temps processeur ${fmt(Number(directory.figures.cpuMs) / 1000, 2)} s)`,
  '< 2 s',
  `${fmt(directory.peakMb)} Mo`,
);

const render = measure('task-render.js', [national]);
line(
  `rendu et comptage de tous les canaux, national (${fmt(Number(render.figures.texts))} textes)`,
  `${fmt(Number(render.figures.ms) / 1000, 2)} s`,
  '< 3 s',
  `${fmt(render.peakMb)} Mo`,
);

// Letters (issue 19.3): identical letters (one body per département) and personalised ones
// (the commune, its mayor and its population in the first paragraph: every letter differs),
// on the sample and nationally; CPU time per letter is the steadier figure on a shared machine.
const sample = packageRoot();
for (const [where, dir] of [['échantillon', sample], ['national', national]] as const) {
  for (const mode of ['identical', 'personalised'] as const) {
    const m = measure('task-letters.js', [dir, mode]);
    const n = Number(m.figures.letters);
    const perSecond = n / (Number(m.figures.lettersMs) / 1000);
    line(
      `lettres PDF ${mode === 'identical' ? 'identiques' : 'personnalisées'} par commune, ${where} (${fmt(n)} fichiers, ${m.figures.workers} fils)`,
      `${fmt(perSecond)} lettres par seconde (${fmt(Number(m.figures.lettersMs) / 1000, 2)} s) ; processeur : ${fmt(Number(m.figures.cpuMs) / (n + Number(m.figures.printLetters)), 2)} ms par lettre, fichiers à imprimer et préparation compris`,
      '≥ 1 000 lettres/s, < 500 Mo',
      `${fmt(m.peakMb)} Mo (avec les fichiers à imprimer)`,
    );
    if (where === 'national' && mode === 'identical') {
      const printPerSecond = Number(m.figures.printLetters) / (Number(m.figures.printMs) / 1000);
      line(`fichiers à imprimer, national (${fmt(Number(m.figures.printLetters))} lettres sans courriel)`, `${fmt(printPerSecond)} lettres par seconde (${fmt(Number(m.figures.printMs) / 1000, 1)} s)`, '—', '—');
    }
  }
}
const cli = measure('task-letters-cli.js', [sample]);
line(
  "relais letters --force sur l'échantillon (597 lettres), processus compris",
  `${fmt(cli.wallMs / 1000, 2)} s ; processeur ${fmt(Number(cli.figures.cpuMs) / 1000, 2)} s`,
  '< 1,5 s',
  `${fmt(cli.peakMb)} Mo`,
);

const send = measure('task-send.js', [national, '5000']);
const sendRate = Number(send.figures.sent) / (Number(send.figures.ms) / 1000);
line(
  `relais send en SMTP local, lettre PDF jointe (${fmt(Number(send.figures.sent))} messages, journal compris)`,
  `${fmt(sendRate)} messages par seconde ; journal seul : ${fmt((Number(send.figures.journalMs) / Number(send.figures.ms)) * 100, 1)} % du temps`,
  '≥ 1 000 messages/s, journal < 10 %',
  `${fmt(send.peakMb)} Mo`,
);

const tr = measure('task-track.js', [national]);
const rowsPerSecond = Number(tr.figures.rows) / (Number(tr.figures.ms) / 1000);
const dm = tr.figures.datamashMs;
const speed = typeof dm === 'number' ? (dm >= Number(tr.figures.ms) ? `relais ${fmt(dm / Number(tr.figures.ms), 2)} × plus rapide` : `relais ${fmt(Number(tr.figures.ms) / dm, 2)} × plus lent`) : '';
const ratio = typeof dm === 'number' ? ` ; datamash : ${fmt(dm / 1000, 2)} s, sans dédoublonnage (${speed})` : ' ; datamash non installé (apt-get install datamash pour comparer)';
line(
  `relais track, 1 000 000 d'inscriptions (par département et par jour)`,
  `${fmt(Number(tr.figures.ms) / 1000, 2)} s, ${fmt(rowsPerSecond)} lignes par seconde${ratio}`,
  'plus rapide que datamash, < 200 Mo',
  `${fmt(tr.peakMb)} Mo`,
);

const bouncesDir = mkdtempSync(join(tmpdir(), 'relais-bench-bounces-'));
measure('task-bounces.js', ['10000', 'prepare', bouncesDir]);
const bounces = measure('task-bounces.js', ['10000', 'run', bouncesDir]);
rmSync(bouncesDir, { recursive: true, force: true });
line(
  `relais bounces, boîte mbox de ${fmt(Number(bounces.figures.messages))} messages, ${fmt(Number(bounces.figures.mbSize))} Mo (${fmt(Number(bounces.figures.bounced))} retours, ${fmt(Number(bounces.figures.delayed))} retards, ${fmt(Number(bounces.figures.setAside))} mis de côté)`,
  `${fmt(Number(bounces.figures.ms) / 1000, 2)} s, ${fmt(Number(bounces.figures.messages) / (Number(bounces.figures.ms) / 1000))} messages par seconde`,
  '—',
  `${fmt(bounces.peakMb)} Mo`,
);

const media = measure('task-media.js', ['200']);
line(
  `vidéo de ${fmt(Number(media.figures.megabytes))} Mo publiée sur X, Facebook et LinkedIn (serveurs locaux, ${media.figures.published} sur 3)`,
  `${fmt((3 * Number(media.figures.megabytes)) / (Number(media.figures.ms) / 1000), 1)} Mo/s envoyés (${fmt(Number(media.figures.ms) / 1000, 1)} s)`,
  'mémoire bornée, indépendante de la taille du fichier',
  `${fmt(media.peakMb)} Mo`,
);

process.stdout.write('\n| mesure | valeur | objectif | mémoire max |\n|---|---|---|---|\n');
for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
