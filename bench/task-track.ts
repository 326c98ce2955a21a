/**
 * Bench task: sign-ups summed by département and by day, on a 1,000,000-row export (about 60 MB),
 * and datamash on the same file when installed. `prepare` writes the export, once, next to the
 * national campaign, in a process of its own: the measured run's peak memory is the tracker's.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { requireCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { track } from '../src/tracker/figures.js';
import { prng } from '../scripts/lib/people.js';
import { report } from './measure.js';
import { tuneV8 } from '../src/v8-tuning.js';

// As bin/relais.js runs relais.
tuneV8();

const dir = process.argv[2] ?? '.';
const file = resolve(dir, 'data', 'inscriptions-1M.csv');
const ROWS = 1_000_000;

if (process.argv[3] === 'prepare') {
  if (!existsSync(file)) {
    const ref = communeReference();
    const communes = [...ref.communes.values()];
    const rand = prng(1_000_000);
    // Written 10,000 lines at a time, to a temporary name: an interrupted run leaves no half file.
    const fd = openSync(`${file}.tmp`, 'w');
    let lines = ['id;date_inscription;departement;code_postal;metier;categorie;statut'];
    for (let i = 0; i < ROWS; i++) {
      const c = communes[Math.floor(rand() * communes.length)]!;
      const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
      lines.push(`V${i};2020-03-${day} 10:${String(i % 60).padStart(2, '0')};${c.departement};${c.codesPostaux[0] ?? ''};Infirmier;soignant;inscrit`);
      if (lines.length === 10_000) {
        writeSync(fd, `${lines.join('\n')}\n`);
        lines = [];
      }
    }
    if (lines.length) writeSync(fd, `${lines.join('\n')}\n`);
    closeSync(fd);
    renameSync(`${file}.tmp`, file);
  }
  report({ rows: ROWS });
} else {
  const ref = communeReference();
  const campaign = await requireCampaign(dir);
  const start = performance.now();
  const cpu = process.cpuUsage();
  const tracked = await track(campaign, ref, { files: [file] });
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - start;

  let datamashMs: number | string = 'absent';
  try {
    const t = performance.now();
    execFileSync('sh', ['-c', `datamash -t ';' --header-in -s -g 3 count 1 < '${file}' > /dev/null && datamash -t ';' --header-in -s -g 2 count 1 < '${file}' > /dev/null`], { stdio: 'ignore' });
    datamashMs = performance.now() - t;
  } catch {
    // datamash is not installed: the ratio is simply not printed.
  }
  report({ ms, cpuMs: (used.user + used.system) / 1000, rows: tracked?.read.lignes ?? 0, total: tracked?.figures.total ?? 0, datamashMs });
}
