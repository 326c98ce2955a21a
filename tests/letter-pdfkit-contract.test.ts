import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liftImages } from '../src/letters/pdfkit-images.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/campaign.js';
import { ensureDebianPackage } from './helpers/debian.js';

/**
 * The letter serializer takes its image XObjects from pdfkit's output (src/letters/pdfkit-images.ts,
 * the only module that relies on how pdfkit writes). If an update of pdfkit changes that, these
 * tests fail before any letter does.
 */
describe('pdfkit contract: image XObjects lifted from its output', () => {
  it('a PNG: its dictionary, its stream and its references renumbered from the number asked', async () => {
    const png = readFileSync(join(ROOT, 'docs', 'lettre-page1.png'));
    const lifted = await liftImages([png], 40);
    expect(lifted.images).toHaveLength(1);
    const image = lifted.images[0]!;
    expect(image.id).toBe(40);
    // The PNG's own size, read from its header.
    expect([image.width, image.height]).toEqual([png.readUInt32BE(16), png.readUInt32BE(20)]);
    const dict = lifted.objects.find(([id]) => id === 40)![1].toString('latin1');
    expect(dict).toMatch(/^<<[\s\S]*\/Subtype \/Image[\s\S]*>>\nstream\n/);
    expect(dict).toMatch(/endstream$/);
    for (const m of dict.split('stream\n')[0]!.matchAll(/(\d+) 0 R/g)) expect(lifted.objects.map(([id]) => id)).toContain(Number(m[1]));
    expect(lifted.next).toBe(40 + lifted.objects.length);
  });

  it('a JPEG stays DCT-encoded, one XObject', async () => {
    ensureDebianPackage('/usr/bin/pdftoppm', 'poppler-utils');
    const dir = tempDir();
    // A JPEG made by poppler from a one-page PDF that pdfkit itself writes.
    const { default: PDFDocument } = await import('pdfkit');
    const doc = new PDFDocument({ size: [60, 40] });
    doc.rect(5, 5, 30, 20).fill('#000091');
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((resolve) => {
      doc.on('end', resolve);
      doc.end();
    });
    writeFileSync(join(dir, 'page.pdf'), Buffer.concat(chunks));
    execFileSync('pdftoppm', ['-jpeg', '-r', '72', '-singlefile', join(dir, 'page.pdf'), join(dir, 'page')]);
    const jpeg = readFileSync(join(dir, 'page.jpg'));
    const lifted = await liftImages([jpeg], 1);
    expect(lifted.images).toHaveLength(1);
    expect(lifted.objects).toHaveLength(1);
    expect(lifted.objects[0]![1].toString('latin1')).toContain('/Filter /DCTDecode');
    expect([lifted.images[0]!.width, lifted.images[0]!.height]).toEqual([60, 40]);
  });
});
