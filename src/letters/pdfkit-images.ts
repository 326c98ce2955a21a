
/**
 * The one place where relais leans on how pdfkit writes its output: pdfkit decodes PNG and JPEG
 * images (palettes, alpha split into an SMask, interlacing) into image XObjects, and this module
 * lifts those objects out of a small pdfkit document, renumbered, for the letter serializer to
 * copy into every letter. tests/letter-pdfkit-contract.test.ts fails if a pdfkit update changes
 * the shape relied on here: a classic xref table, `N 0 obj … endobj` objects, images named in
 * the page's /XObject resources.
 */
export interface LiftedImage {
  /** The image XObject's number after renumbering. */
  id: number;
  width: number;
  height: number;
}

export interface LiftedImages {
  objects: Array<[number, Buffer]>;
  images: LiftedImage[];
  next: number;
}

/** A pdfkit document's bytes, once it is ended. */
export function pdfkitBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** Objects of a pdfkit file by number, from its xref table. */
function objectsOf(pdf: Buffer): Map<number, Buffer> {
  const text = pdf.toString('latin1');
  const start = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(text)?.[1]);
  const xref = /^xref\n0 (\d+)\n/.exec(text.slice(start));
  if (!xref) throw new Error('pdfkit: table xref introuvable');
  const count = Number(xref[1]);
  const entries = text.slice(start + xref[0].length).split('\n').slice(0, count);
  const offsets: Array<[number, number]> = [];
  entries.forEach((e, id) => {
    if (e.endsWith('n ')) offsets.push([id, Number(e.slice(0, 10))]);
  });
  offsets.sort((a, b) => a[1] - b[1]);
  const out = new Map<number, Buffer>();
  offsets.forEach(([id, off], i) => {
    const stop = i + 1 < offsets.length ? offsets[i + 1]![1] : start;
    const raw = pdf.subarray(off, stop);
    const head = `${id} 0 obj\n`;
    const bodyEnd = raw.lastIndexOf('endobj');
    if (raw.toString('latin1', 0, head.length) !== head || bodyEnd < 0) throw new Error(`pdfkit: objet ${id} illisible`);
    out.set(id, raw.subarray(head.length, bodyEnd));
  });
  return out;
}

/** Dictionary part of an object (before any stream), where references live. */
function split(body: Buffer): [string, Buffer] {
  const at = body.indexOf('stream\n');
  return at < 0 ? [body.toString('latin1'), Buffer.alloc(0)] : [body.toString('latin1', 0, at), body.subarray(at)];
}

/**
 * Each distinct image once, as XObjects numbered from `first`. Their dictionaries are kept as
 * pdfkit wrote them (width, height, colour space, filters, SMask), references renumbered.
 */
export async function liftImages(sources: Buffer[], first: number): Promise<LiftedImages> {
  if (!sources.length) return { objects: [], images: [], next: first };
  // Loaded only when a campaign has images: pdfkit is the heaviest module a worker would load.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ autoFirstPage: false, compress: true });
  for (const src of sources) {
    doc.addPage({ size: [100, 100], margin: 0 });
    doc.image(src, 0, 0, { width: 10 });
  }
  const objects = objectsOf(await pdfkitBytes(doc));
  const renumber = new Map<number, number>();
  let next = first;
  const visit = (id: number) => {
    if (renumber.has(id)) return;
    renumber.set(id, next++);
    const [dict] = split(objects.get(id) ?? Buffer.alloc(0));
    for (const m of dict.matchAll(/(\d+) 0 R/g)) visit(Number(m[1]));
  };
  // Pages in order; each page's only XObject is its image.
  const catalog = [...objects.values()].map((b) => b.toString('latin1', 0, Math.min(b.length, 400))).find((d) => d.includes('/Type /Pages'));
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(catalog ?? '')?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
  const images: LiftedImage[] = [];
  for (const page of kids) {
    const [pageDict] = split(objects.get(page)!);
    const resources = /\/Resources (\d+) 0 R/.exec(pageDict);
    const resDict = resources ? split(objects.get(Number(resources[1]))!)[0] : pageDict;
    const xobject = /\/XObject <<\s*\/\S+ (\d+) 0 R/.exec(resDict);
    if (!xobject) throw new Error("pdfkit: image absente de la page");
    const id = Number(xobject[1]);
    const [dict] = split(objects.get(id)!);
    visit(id);
    images.push({ id: renumber.get(id)!, width: Number(/\/Width (\d+)/.exec(dict)?.[1]), height: Number(/\/Height (\d+)/.exec(dict)?.[1]) });
  }
  const out: Array<[number, Buffer]> = [];
  for (const [old, id] of renumber) {
    const [dict, stream] = split(objects.get(old)!);
    const fixed = dict.replace(/(\d+) 0 R/g, (_, n: string) => `${renumber.get(Number(n)) ?? n} 0 R`);
    const body = Buffer.concat([Buffer.from(fixed, 'latin1'), stream]);
    // The serializer writes its own line break before `endobj`.
    out.push([id, body.at(-1) === 0x0a ? body.subarray(0, body.length - 1) : body]);
  }
  return { objects: out, images, next };
}
