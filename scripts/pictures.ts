/**
 * `npm run pictures`: regenerates the README's pictures from the sample campaign — the first page
 * and the annex of the Orléans letter (pdftoppm, 80 dpi) and the volunteers' report as a phone
 * shows it (headless Chromium, 390 px wide). Run it after any change of layout, then look at them.
 * poppler-utils and chromium come from Debian and are installed when missing.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { packageRoot } from '../src/paths.js';

function ensureDebian(program: string, pkg: string): void {
  if (existsSync(program)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', env });
}

async function main(): Promise<void> {
  const root = packageRoot();
  const docs = join(root, 'docs');
  const work = mkdtempSync(join(tmpdir(), 'relais-pictures-'));
  try {
    for (const entry of ['campagne.yaml', 'templates', 'data', 'medias']) cpSync(join(root, entry), join(work, entry), { recursive: true });
    const relais = (args: string[]) => execFileSync(process.execPath, [join(root, 'bin', 'relais.js'), '-C', work, ...args], { stdio: 'inherit' });
    relais(['letters', '--commune', '45234']);
    const report = join(work, 'out', 'volontaires.html');
    relais(['track', '--out', report]);

    ensureDebian('/usr/bin/pdftoppm', 'poppler-utils');
    cpSync(join(work, 'out', 'lettres', '45', '45234-orleans.pdf'), join(work, 'lettre.pdf'));
    execFileSync('pdftoppm', ['-png', '-r', '80', join(work, 'lettre.pdf'), join(work, 'page')]);
    const rendered = readdirSync(work).filter((n) => /^page-\d+\.png$/.test(n)).sort();
    renameSync(join(work, rendered[0]!), join(docs, 'lettre-page1.png'));
    renameSync(join(work, rendered[rendered.length - 1]!), join(docs, 'lettre-annexe.png'));

    ensureDebian('/usr/bin/chromium', 'chromium');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
      await tab.goto(`file://${report}`);
      await tab.screenshot({ path: join(docs, 'suivi-volontaires.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    process.stdout.write('docs/lettre-page1.png, docs/lettre-annexe.png et docs/suivi-volontaires.png écrites : regardez-les avant de les valider.\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
