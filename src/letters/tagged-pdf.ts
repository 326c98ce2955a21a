import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Composer, Kid, Node, Page } from './compose.js';
import { PAGE } from './geometry.js';
import type { PlacedImage } from './letter-pages.js';
import { liftImages } from './pdfkit-images.js';
import { num, PdfFile, pdfAscii, pdfText, sharedBlock, streamBody, type SharedBlock } from './pdf-writer.js';
import { STYLES, type CampaignFonts } from './typeset.js';
import { FONT_RESOURCE } from './compose.js';

/**
 * A tagged PDF/UA-1 and PDF/A-2b file from composed pages: the objects every file shares (fonts,
 * images, the sRGB output intent, the resource dictionary) copied as one block of bytes, then the
 * file's own pages, link annotations, structure tree, XMP metadata and info dictionary.
 */
export interface Shared {
  block: SharedBlock;
  resources: number;
  outputIntent: number;
  images: Map<Buffer, PlacedImage>;
  /** Form XObjects (the QR code), by key: their resource names. */
  forms: Map<string, string>;
  transparency: boolean;
}

/** Vector drawing every letter of a file set repeats: a form XObject in the shared objects. */
export interface SharedForm {
  key: string;
  ops: string;
  bbox: [number, number, number, number];
}

const require = createRequire(import.meta.url);
let icc: Buffer | undefined;
/** The sRGB profile pdfkit ships: the output intent PDF/A asks for. */
function srgbProfile(): Buffer {
  icc ??= readFileSync(join(dirname(require.resolve('pdfkit')), 'data', 'sRGB_IEC61966_2_1.icc'));
  return icc;
}

/** Fonts, images and the output intent, numbered from 1 (done once per worker and campaign). */
export async function sharedObjects(fonts: CampaignFonts, imageSources: Buffer[], tag: string, formSources: SharedForm[] = []): Promise<Shared> {
  const objects: Array<[number, string | Buffer]> = [];
  const resources = 1;
  const outputIntent = 2;
  objects.push([outputIntent, '<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) /DestOutputProfile 3 0 R >>']);
  objects.push([3, streamBody(srgbProfile(), ' /N 3')]);
  let next = 4;
  const fontRefs: string[] = [];
  STYLES.forEach((style, i) => {
    // Subset tags differ per font (six capitals), as PDF/A wants distinct names for distinct subsets.
    const { objects: o, font } = fonts[style].objects(next, `${tag.slice(0, 5)}${String.fromCharCode(65 + i)}`);
    objects.push(...o);
    next += o.length;
    fontRefs.push(`/${FONT_RESOURCE[style]} ${font} 0 R`);
  });
  const distinct = [...new Set(imageSources)];
  const lifted = await liftImages(distinct, next);
  objects.push(...lifted.objects);
  next = lifted.next;
  const images = new Map<Buffer, PlacedImage>();
  const xobjects: string[] = [];
  distinct.forEach((src, i) => {
    const img = lifted.images[i]!;
    images.set(src, { name: `Im${i}`, width: img.width, height: img.height });
    xobjects.push(`/Im${i} ${img.id} 0 R`);
  });
  const forms = new Map<string, string>();
  for (const [i, f] of formSources.entries()) {
    const id = next++;
    objects.push([id, streamBody(f.ops, ` /Type /XObject /Subtype /Form /BBox [${f.bbox.map(num).join(' ')}]`)]);
    forms.set(f.key, `Fm${i}`);
    xobjects.push(`/Fm${i} ${id} 0 R`);
  }
  const transparency = lifted.objects.some(([, body]) => body.toString('latin1', 0, Math.min(body.length, 600)).includes('/SMask'));
  objects.push([resources, `<< /Font << ${fontRefs.join(' ')} >>${xobjects.length ? ` /XObject << ${xobjects.join(' ')} >>` : ''} >>`]);
  objects.sort((a, b) => a[0] - b[0]);
  return { block: sharedBlock(objects, next), resources, outputIntent, images, forms, transparency };
}

export interface DocumentMeta {
  title: string;
  author: string;
  subject: string;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xmp(meta: DocumentMeta, date: string): Buffer {
  const alt = (s: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${xml(s)}</rdf:li></rdf:Alt>`;
  const text = `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><pdfuaid:part>1</pdfuaid:part></rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>application/pdf</dc:format><dc:title>${alt(meta.title)}</dc:title><dc:creator><rdf:Seq><rdf:li>${xml(meta.author)}</rdf:li></rdf:Seq></dc:creator><dc:description>${alt(meta.subject)}</dc:description><dc:language><rdf:Bag><rdf:li>fr-FR</rdf:li></rdf:Bag></dc:language></rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreateDate>${date}</xmp:CreateDate><xmp:ModifyDate>${date}</xmp:ModifyDate><xmp:MetadataDate>${date}</xmp:MetadataDate><xmp:CreatorTool>relais</xmp:CreatorTool></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdf:Producer>relais</pdf:Producer></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"><pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource"><pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema><pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI><pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource"><pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType><pdfaProperty:category>internal</pdfaProperty:category><pdfaProperty:description>Indicates which part of ISO 14289 standard is followed</pdfaProperty:description></rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
  return Buffer.from(text, 'utf8');
}

/** "2026-11-30T05:57:26Z" and "D:20261130055726Z": the same instant in XMP and in /Info. */
export function pdfDates(date: Date): { xmp: string; info: string } {
  let d = dates.get(date.getTime());
  if (!d) {
    const iso = date.toISOString().slice(0, 19) + 'Z';
    d = { xmp: iso, info: `D:${iso.replace(/[-:T]/g, '').slice(0, 14)}Z` };
    // One date per run: the cache stays tiny.
    if (dates.size > 16) dates.clear();
    dates.set(date.getTime(), d);
  }
  return d;
}
const dates = new Map<number, { xmp: string; info: string }>();

interface CachedStream {
  ops: string[];
  body: Buffer;
}

/**
 * Compressed content streams, kept for the next letter that has the same (most have), found by
 * their first operator and then compared operator by operator: the operators repeated from one
 * letter to the next are the same string objects (see compose.ts), so that comparison is mostly of
 * references, where joining each stream and hashing its text cost as much as composing the letter.
 */
const streams = new Map<string, CachedStream[]>();
let cached = 0;

function sameOps(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function contentStream(ops: string[]): Buffer {
  const bucket = streams.get(ops[0]!);
  if (bucket) for (const s of bucket) if (sameOps(s.ops, ops)) return s.body;
  // Bounded: an address block or a personalised paragraph is seen once.
  if (cached >= 300) {
    streams.clear();
    cached = 0;
  }
  const body = streamBody(ops.join('\n'));
  const entry = { ops, body };
  const list = streams.get(ops[0]!);
  if (list) list.push(entry);
  else streams.set(ops[0]!, [entry]);
  cached++;
  return body;
}

function pageStreams(page: Page): Buffer[] {
  const streams: Buffer[] = [];
  let from = 0;
  for (const to of [...page.cuts, page.ops.length]) {
    if (to > from) streams.push(contentStream(page.ops.slice(from, to)));
    from = to;
  }
  return streams;
}

/** Compresses the pages' content now and lets their operators go: a print file holds many. */
export function sealPages(c: Composer, from: number): void {
  for (let i = from; i < c.pages.length; i++) {
    const page = c.pages[i]!;
    if (page.streams) continue;
    page.streams = pageStreams(page);
    page.ops = [];
    page.cuts = [];
  }
}

/** Writes the composed pages and their structure tree as one file. */
export function writeDocument(shared: Shared, c: Composer, root: Node, meta: DocumentMeta, date: Date): Buffer {
  const file = new PdfFile(shared.block);
  let next = shared.block.next;
  const catalog = next++;
  const pagesRoot = next++;
  const info = next++;
  const metadata = next++;
  const treeRoot = next++;
  const parentTree = next++;
  const pageIds = c.pages.map(() => next++);
  const contents = c.pages.map((page) => (page.streams ?? pageStreams(page)).map((body): [number, Buffer] => [next++, body]));
  const annotIds = new Map<object, number>();
  for (const page of c.pages) for (const a of page.annots) annotIds.set(a, next++);
  const nodeIds = new Map<Node, number>();
  const number = (n: Node) => {
    nodeIds.set(n, next++);
    for (const k of n.kids) if ('role' in k) number(k);
  };
  number(root);

  const group = shared.transparency ? ' /Group << /S /Transparency /CS /DeviceRGB >>' : '';
  const kids: string[] = [];
  let annotKey = c.pages.length;
  const nums: string[] = [];
  c.pages.forEach((page, i) => {
    const id = pageIds[i]!;
    kids.push(`${id} 0 R`);
    const annots = page.annots.map((a) => `${annotIds.get(a)} 0 R`);
    file.add(
      id,
      `<< /Type /Page /Parent ${pagesRoot} 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources ${shared.resources} 0 R ${contents[i]!.length ? `/Contents [${contents[i]!.map(([n]) => `${n} 0 R`).join(' ')}] ` : ''}/StructParents ${i}${annots.length ? ` /Annots [${annots.join(' ')}] /Tabs /S` : ''}${group} >>`,
    );
    for (const [n, body] of contents[i]!) file.add(n, body);
    nums.push(`${i} [${page.parents.map((n) => `${nodeIds.get(n)} 0 R`).join(' ')}]`);
    for (const a of page.annots) {
      const key = annotKey++;
      const [x0, y0, x1, y1] = a.rect;
      file.add(
        annotIds.get(a)!,
        `<< /Type /Annot /Subtype /Link /Rect [${num(x0)} ${num(y0)} ${num(x1)} ${num(y1)}] /Border [0 0 0] /F 4 /P ${id} 0 R /A << /S /URI /URI ${pdfAscii(a.url)} >> /Contents ${pdfText(a.contents)} /StructParent ${key} >>`,
      );
      nums.push(`${key} ${nodeIds.get(a.node)} 0 R`);
    }
  });

  const kid = (k: Kid, pg: number | undefined): string => {
    if ('role' in k) return `${nodeIds.get(k)} 0 R`;
    const page = pageIds[k.page]!;
    if ('annot' in k) return `<< /Type /OBJR /Obj ${annotIds.get(k.annot)} 0 R /Pg ${page} 0 R >>`;
    return page === pg ? String(k.mcid) : `<< /Type /MCR /Pg ${page} 0 R /MCID ${k.mcid} >>`;
  };
  const write = (n: Node, parent: number) => {
    const id = nodeIds.get(n)!;
    const first = n.kids.find((k): k is { mcid: number; page: number } => 'mcid' in k);
    const pg = first ? pageIds[first.page] : undefined;
    const alt = n.alt ? ` /Alt ${pdfText(n.alt)}` : '';
    const attrs = n.attributes ? ` /A ${n.attributes}` : '';
    const lang = n.role === 'Document' ? ' /Lang (fr-FR)' : '';
    file.add(id, `<< /Type /StructElem /S /${n.role} /P ${parent} 0 R${pg ? ` /Pg ${pg} 0 R` : ''} /K [${n.kids.map((k) => kid(k, pg)).join(' ')}]${alt}${attrs}${lang} >>`);
    for (const k of n.kids) if ('role' in k) write(k, id);
  };
  write(root, treeRoot);

  const dates = pdfDates(date);
  file.add(treeRoot, `<< /Type /StructTreeRoot /K [${nodeIds.get(root)} 0 R] /ParentTree ${parentTree} 0 R /ParentTreeNextKey ${annotKey} >>`);
  file.add(parentTree, `<< /Nums [${nums.join(' ')}] >>`);
  file.add(pagesRoot, `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${kids.length} >>`);
  file.add(metadata, streamBody(xmp(meta, dates.xmp), ' /Type /Metadata /Subtype /XML', false));
  file.add(
    info,
    `<< /Title ${pdfText(meta.title)} /Author ${pdfText(meta.author)} /Subject ${pdfText(meta.subject)} /Creator (relais) /Producer (relais) /CreationDate (${dates.info}) /ModDate (${dates.info}) >>`,
  );
  file.add(
    catalog,
    `<< /Type /Catalog /Pages ${pagesRoot} 0 R /Metadata ${metadata} 0 R /StructTreeRoot ${treeRoot} 0 R /MarkInfo << /Marked true >> /Lang (fr-FR) /ViewerPreferences << /DisplayDocTitle true >> /OutputIntents [${shared.outputIntent} 0 R] >>`,
  );
  const fileId = createHash('md5').update(`${meta.title}\u0000${dates.xmp}\u0000${c.pages.length}`).digest('hex');
  return file.finish(catalog, info, fileId);
}
