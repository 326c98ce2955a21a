import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Campaign } from '../campaign/load.js';
import { STATE_DIR } from '../campaign/paths.js';
import { writeFileAtomicSync } from '../files.js';
import { campaignFontChoice, fontSources } from '../letters/font-files.js';
import { packageRoot } from '../paths.js';

/** The summary sheet's file name, in each email and in each département's folder of messages. */
export const SHEET_FILE = 'fiche-synthetique.pdf';

/** Set by the bundler (scripts/build.ts) to the identity of the code it bundled; undefined in the compiler's output. */
declare const RELAIS_BUILD: string | undefined;

const FORMAT = 2;
const KEPT = /^fiche-[0-9a-f]{32}-[0-9a-f]{16}\.pdf$/;

/**
 * The campaign's summary sheet (media/sheet.ts), drawn once and kept in the campaign's state
 * folder: every `send`, `run` and `posts` attaches it, and drawing it meant loading pdfkit and the
 * font engine and laying the page out — a quarter of a second of every such command, for the same
 * bytes each time (the sheet is dated by the campaign, so that an email's hash does not move).
 *
 * Kept under a name made of everything the drawing reads — the campaign's `campagne` and `ars`
 * sections, the bytes of the fonts, the code that draws (the build, pdfkit's and fontkit's files,
 * the lock file of every package) — and of its own bytes' hash. Anything changed, it is drawn
 * again and the sheet kept before is removed. Run from its TypeScript sources (the tests' own
 * process), or without a lock file, the code has nothing to name it by: drawn every time.
 */
export async function campaignSheet(campaign: Campaign): Promise<Buffer> {
  const key = sheetKey(campaign);
  const dir = join(campaign.dir, STATE_DIR, 'cache');
  if (key !== undefined) {
    // Its own hash in its name: a kept file cut or overwritten since is never handed out.
    const name = readdirSafe(dir).find((n) => n.startsWith(`fiche-${key}-`) && KEPT.test(n));
    if (name) {
      try {
        const kept = readFileSync(join(dir, name));
        if (name === keptName(key, kept)) return kept;
      } catch {
        // Unreadable: drawn again.
      }
    }
  }
  const { summarySheet } = await import('./sheet.js');
  const sheet = summarySheet(campaign);
  if (key !== undefined) {
    const name = keptName(key, sheet);
    try {
      writeFileAtomicSync(join(dir, name), sheet);
      for (const other of readdirSafe(dir)) if (KEPT.test(other) && other !== name) rmSync(join(dir, other), { force: true });
    } catch {
      // A campaign folder that cannot be written to (a read-only copy) draws it again next time.
    }
  }
  return sheet;
}

const keptName = (key: string, sheet: Buffer) => `fiche-${key}-${createHash('sha256').update(sheet).digest('hex').slice(0, 16)}.pdf`;

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function sheetKey(campaign: Campaign): string | undefined {
  if (typeof RELAIS_BUILD !== 'string') return undefined;
  // The fonts as loadFonts picks them (fontSources). One that cannot be read: drawn, and the
  // drawing says why.
  const sources = fontSources(campaignFontChoice(campaign));
  const fonts = [sources.regular.path, sources.bold.path, sources.italic.path];
  try {
    const require = createRequire(import.meta.url);
    const engines = ['pdfkit', 'fontkit'].map((m) => {
      const s = statSync(require.resolve(m));
      return `${s.size}:${s.mtimeMs}`;
    });
    const hash = createHash('sha256').update(JSON.stringify([FORMAT, RELAIS_BUILD, engines, campaign.config.campagne, campaign.config.ars]));
    // The packages bundled into the build (qrcode) or beside pdfkit (its line breaker) change
    // only with the lock file: an update of any of them draws the sheet again.
    hash.update(readFileSync(join(packageRoot(), 'package-lock.json')));
    for (const f of fonts) hash.update(readFileSync(f));
    return hash.digest('hex').slice(0, 32);
  } catch {
    return undefined;
  }
}
