import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { departedOnDisk, removeDeparted } from '../src/letters/departed.js';
import { fileFingerprint } from '../src/letters/manifest.js';
import type { PrintBook } from '../src/letters/print-file.js';
import { tempDir } from './helpers/campaign.js';

/** out/lettres/ with the files a first run wrote for 37 and 45, and a file of the user's in 37/. */
function lettersFolder() {
  const root = tempDir();
  for (const dep of ['37', '45']) mkdirSync(join(root, dep));
  const files = { letter37: join(root, '37', '37001-a.pdf'), print37: join(root, '37', 'impression-37.pdf'), list37: join(root, '37', 'impression-37-ajouts.txt'), letter45: join(root, '45', '45001-b.pdf'), mine: join(root, '37', 'notes.txt') };
  for (const p of Object.values(files)) writeFileSync(p, `contenu de ${p}`);
  const manifest: Record<string, string> = {
    '37/37001-a.pdf': 'h1',
    '37/impression-37.pdf': 'h2',
    '37/impression-37.pdf#communes': '["37001"]',
    '37/impression-37.pdf#history': JSON.stringify({ versions: [{ n: 3, date: '2026-11-30T10:00:00.000Z', letters: 1 }], joined: { '37001': 3 }, first: ['37001'] }),
    '37/impression-37.pdf#sha256': fileFingerprint(files.print37)!,
    '37/37999-gone.pdf': 'h3',
    '45/45001-b.pdf': 'h4',
    '../dehors.pdf': 'h5',
  };
  const book: PrintBook = { manifest, next: { ...manifest }, entryOf: (p) => relative(root, p).split('\\').join('/'), keep: () => false, fontNames: {} as PrintBook['fontNames'], all: false, restart: [] };
  return { root, files, book };
}

describe('what relais wrote for a département no longer in the campaign', () => {
  it('removes the letters and the print file the manifest names, keeps a file of the user\'s and the version numbers', async () => {
    const { root, files, book } = lettersFolder();
    expect(departedOnDisk(root, ['45'], book.manifest)).toEqual([{ dep: '37', letters: 1, print: files.print37 }]);
    const done = await removeDeparted(root, ['45'], book);
    expect(done).toEqual([{ dep: '37', letters: 1, print: files.print37 }]);
    expect(existsSync(files.letter37)).toBe(false);
    expect(existsSync(files.print37)).toBe(false);
    expect(existsSync(files.list37)).toBe(false);
    expect(existsSync(files.mine)).toBe(true);
    expect(existsSync(files.letter45)).toBe(true);
    expect(Object.keys(book.next).filter((k) => k.startsWith('37/')).sort()).toEqual(['37/impression-37.pdf#last-version']);
    expect(book.next['37/impression-37.pdf#last-version']).toBe('3');
    expect(book.next['45/45001-b.pdf']).toBe('h4');
    expect(book.next['../dehors.pdf']).toBe('h5');
    expect(departedOnDisk(root, ['45'], book.next)).toEqual([]);
  });

  it('leaves a print file changed since relais wrote it, and names it', async () => {
    const { root, files, book } = lettersFolder();
    writeFileSync(files.print37, 'remplacé à la main');
    const done = await removeDeparted(root, ['45'], book);
    expect(done).toEqual([{ dep: '37', letters: 1, kept: files.print37 }]);
    expect(existsSync(files.print37)).toBe(true);
    // Still described: named again by the next run and by status.
    expect(departedOnDisk(root, ['45'], book.next)).toEqual([{ dep: '37', letters: 0, kept: files.print37 }]);
  });
});
