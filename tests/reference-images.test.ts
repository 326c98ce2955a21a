import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais, ROOT } from './helpers/cli.js';
import { compareImages, renderPages } from './helpers/images.js';

/**
 * The Orléans letter as the mayor's secretary sees it, page by page, against reference pictures:
 * a layout regression (a block moved, a page added, a signature lost) fails here even when the
 * text read back is unchanged. After an intended change of layout, look at the new pages and
 * update the references with `npm run references`.
 */
const REFERENCES = join(ROOT, 'tests', 'fixtures', 'reference');
const DPI = 50;
/** Share of pixels allowed to differ clearly: anti-aliasing noise, not a moved block. */
const TOLERANCE = 0.002;
const updating = process.env.UPDATE_REFERENCES === '1';

describe('the Orléans letter looks like its reference pictures', () => {
  let pages: Buffer[];

  beforeAll(async () => {
    const dir = sampleCampaign();
    const { code, stderr } = await relais(['-C', dir, 'letters', '--commune', '45234']);
    expect(code, stderr).toBe(0);
    pages = renderPages(join(dir, 'out', 'lettres', '45', '45234-orleans.pdf'), DPI);
    if (updating) {
      mkdirSync(REFERENCES, { recursive: true });
      pages.forEach((png, i) => writeFileSync(join(REFERENCES, `orleans-page${i + 1}.png`), png));
    }
  }, 600_000);

  it('has as many pages as the reference', () => {
    const expected = [1, 2, 3, 4].filter((n) => existsSync(join(REFERENCES, `orleans-page${n}.png`))).length;
    expect(expected).toBeGreaterThan(0);
    expect(pages.length).toBe(expected);
  });

  it('draws every page within the tolerance of its reference', () => {
    for (const [i, png] of pages.entries()) {
      const reference = readFileSync(join(REFERENCES, `orleans-page${i + 1}.png`));
      const result = compareImages(png, reference);
      if (result.share > TOLERANCE) {
        // Leave the pictures where a person can look at them.
        const out = join(tmpdir(), `relais-orleans-page${i + 1}`);
        writeFileSync(`${out}-actual.png`, png);
        writeFileSync(`${out}-diff.png`, result.diff);
      }
      expect(result.sameSize, `page ${i + 1}: taille différente`).toBe(true);
      expect(result.share, `page ${i + 1}: ${(result.share * 100).toFixed(2)} % des pixels diffèrent (lignes ${result.rows?.join('–')}), voir ${tmpdir()}/relais-orleans-page${i + 1}-diff.png`).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('would notice the first page moved down by one millimetre', () => {
    const reference = readFileSync(join(REFERENCES, 'orleans-page1.png'));
    const image = PNG.sync.read(reference);
    const shift = Math.round((DPI / 25.4) * 1);
    const moved = new PNG({ width: image.width, height: image.height, fill: true });
    moved.data.fill(255);
    image.data.copy(moved.data, shift * image.width * 4, 0, (image.height - shift) * image.width * 4);
    expect(compareImages(PNG.sync.write(moved), reference).share).toBeGreaterThan(TOLERANCE);
  });
});
