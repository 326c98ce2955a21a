import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireCampaign } from '../src/campaign/load.js';
import { RelaisError } from '../src/errors.js';
import { loadAssets } from '../src/letters/assets.js';
import { checkImage, ImageProblem } from '../src/letters/image-check.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * Images and fonts named in campagne.yaml are decoded when they are read, as the letters will
 * use them: pdfkit copies an opaque PNG's compressed pixels without inflating them, so a PNG cut
 * in its IDAT would otherwise pass `check` and make broken letters.
 */
function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** A grey PNG of width × height, 8 bits, built by hand; `pixels` overrides the raw rows. */
function png(width: number, height: number, options: { interlace?: boolean; rows?: Buffer } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  ihdr[12] = options.interlace ? 1 : 0;
  const rows = options.rows ?? Buffer.alloc(height * (1 + width), 0x80);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** The markers of a baseline JPEG, around entropy-coded bytes (with a stuffed 0xFF 0x00). */
function jpeg(width: number, height: number): Buffer {
  const segment = (marker: number, body: number[]) => [0xff, marker, ((body.length + 2) >> 8) & 0xff, (body.length + 2) & 0xff, ...body];
  return Buffer.from([
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xda, [1, 1, 0, 0, 0x3f, 0]),
    0x12,
    0xff,
    0x00,
    0x34,
    0xff,
    0xd0,
    0x56,
    0xff,
    0xd9,
  ]);
}

let qr: Buffer;
beforeAll(async () => {
  qr = await QRCode.toBuffer('https://www.renfort-covid.fr', { width: 200 });
});

const problem = (data: Buffer) => {
  try {
    checkImage(data);
  } catch (err) {
    expect(err).toBeInstanceOf(ImageProblem);
    return (err as Error).message;
  }
  return undefined;
};

describe('checkImage', () => {
  it('accepts sound PNG (plain and interlaced) and JPEG images, and gives their size', () => {
    expect(checkImage(qr)).toEqual({ kind: 'PNG', width: 200, height: 200 });
    expect(checkImage(png(13, 7))).toEqual({ kind: 'PNG', width: 13, height: 7 });
    // Adam7 (PNG specification): 7 passes, each a reduced image with its own rows.
    const adam7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
    const rows = Buffer.concat(adam7.map(([x, y, dx, dy]) => Buffer.alloc(Math.ceil((7 - y) / dy) * (1 + Math.ceil((13 - x) / dx)), 0x40)));
    expect(checkImage(png(13, 7, { interlace: true, rows }))).toEqual({ kind: 'PNG', width: 13, height: 7 });
    expect(checkImage(jpeg(40, 30))).toEqual({ kind: 'JPEG', width: 40, height: 30 });
  });

  it('refuses a PNG cut anywhere, even in the middle of its pixels', () => {
    for (let cut = 8; cut < qr.length; cut += 7) expect(problem(qr.subarray(0, cut)), `coupé à ${cut}`).toMatch(/^image PNG (tronquée|abîmée)/);
  });

  it('refuses a PNG whose chunks are whole but whose pixels stop short (a "repaired" download)', () => {
    const short = png(20, 20, { rows: Buffer.alloc(10 * 21, 0x80) });
    expect(problem(short)).toBe('image PNG tronquée (des lignes de pixels manquent)');
    const full = png(20, 20);
    const idat = full.indexOf('IDAT', 0, 'latin1');
    const data = full.subarray(idat + 4, idat + 4 + full.readUInt32BE(idat - 4));
    const cutStream = Buffer.concat([full.subarray(0, idat - 4), chunk('IDAT', data.subarray(0, data.length - 6)), chunk('IEND', Buffer.alloc(0))]);
    expect(problem(cutStream)).toBe('image PNG abîmée (données des pixels illisibles ou coupées)');
  });

  it('refuses a damaged byte (checksum), an absurd size, and what is not an image', () => {
    const flipped = Buffer.from(qr);
    flipped[qr.length >> 1] = flipped[qr.length >> 1]! ^ 0x55;
    expect(problem(flipped)).toMatch(/^image PNG abîmée \(somme de contrôle fausse dans le bloc/);
    expect(problem(png(100_000, 100_000, { rows: Buffer.alloc(1) }))).toBe('image trop grande (100\u202f000 × 100\u202f000 pixels)');
    expect(problem(Buffer.from('GIF89a…'))).toBe("ce n'est pas une image PNG ou JPEG");
  });

  it('refuses a JPEG cut anywhere before its end marker', () => {
    const whole = jpeg(40, 30);
    for (let cut = 3; cut < whole.length; cut++) expect(problem(whole.subarray(0, cut)), `coupé à ${cut}`).toMatch(/^image JPEG (tronquée|abîmée|sans trame)/);
  });
});

describe('the campaign files of the letters', () => {
  const require = createRequire(import.meta.url);
  const font = readFileSync(require.resolve('@expo-google-fonts/source-sans-3/400Regular/SourceSans3_400Regular.ttf'));

  async function assetsError(files: Record<string, Buffer>, yaml: string): Promise<RelaisError> {
    const dir = sampleCampaign();
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    writeFileSync(join(dir, 'campagne.yaml'), `${readFileSync(join(dir, 'campagne.yaml'), 'utf8')}\n${yaml}\n`);
    const err = await loadAssets(await requireCampaign(dir)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RelaisError);
    return err as RelaisError;
  }

  it('a logo cut in its IDAT is an error naming the file and the key', async () => {
    const idat = qr.indexOf('IDAT', 0, 'latin1');
    const err = await assetsError({ 'logo.png': qr.subarray(0, idat + 40) }, 'logo: logo.png');
    expect(err.message).toBe('logo.png : image PNG tronquée (fichier incomplet)');
    expect(err.location).toEqual({ file: 'campagne.yaml', field: 'logo' });
  });

  it('a font cut short, or that is not a font, is an error naming the file', async () => {
    const cut = await assetsError({ 'police.ttf': font.subarray(0, font.length >> 1) }, 'polices:\n  normale: police.ttf');
    expect(cut.message).toBe('police.ttf : police tronquée (fichier incomplet)');
    expect(cut.location).toEqual({ file: 'campagne.yaml', field: 'polices.normale' });
    const garbage = await assetsError({ 'police.ttf': Buffer.alloc(5000, 0x41) }, 'polices:\n  normale: police.ttf');
    expect(garbage.message).toContain("police.ttf n'est pas une police TrueType ou OpenType lisible");
  });
});
