import type { LetterModel } from '../campaign/letter.js';
import { Composer, type Node } from './compose.js';
import type { FontFiles } from './fonts.js';
import type { DrawOptions } from './layout.js';
import { qrForm } from './letter-annex.js';
import { composeLetter } from './letter-pages.js';
import { sealPages, sharedObjects, writeDocument, type DocumentMeta, type Shared } from './tagged-pdf.js';
import { campaignFonts, type CampaignFonts, type PreparedFont, type Style } from './typeset.js';

/**
 * Writes letters, alone or many in one print file, as tagged PDF/UA-1 and PDF/A-2b. One writer
 * per worker thread and campaign: it subsets the fonts once for every character the campaign
 * uses, lifts each département's images once, and keeps the layout of every distinct text, so
 * a letter costs the few paragraphs that differ from the previous one plus the assembly of its
 * objects.
 */
export type LetterMeta = DocumentMeta;

export class LetterWriter {
  readonly fonts: CampaignFonts;
  private readonly shared = new Map<DrawOptions, Promise<Shared>>();
  private readonly date: Date;

  constructor(files: FontFiles, characters: string, date: Date, prepared?: Record<Style, PreparedFont>) {
    this.fonts = campaignFonts(files, characters, prepared);
    this.date = date;
  }

  private sharedFor(options: DrawOptions): Promise<Shared> {
    let s = this.shared.get(options);
    if (!s) {
      const images = [options.issuer.logo, options.signatureImages?.prefet, options.signatureImages?.ars].filter((b): b is Buffer => Boolean(b));
      s = sharedObjects(this.fonts, images, 'RELAI', [qrForm(options.platformUrl)]);
      this.shared.set(options, s);
    }
    return s;
  }

  async letter(letter: LetterModel, options: DrawOptions, meta: LetterMeta): Promise<Buffer> {
    const shared = await this.sharedFor(options);
    const c = new Composer(this.fonts);
    const root: Node = { role: 'Document', kids: [] };
    composeLetter(c, root, letter, options, shared.images, shared.forms);
    return writeDocument(shared, c, root, meta, this.date);
  }

  /** Letters one after the other, each from an odd page for double-sided printing. */
  async print(letters: Iterable<LetterModel>, options: DrawOptions, meta: LetterMeta, onLetter: () => void = () => {}): Promise<{ bytes: Buffer; pages: number }> {
    const shared = await this.sharedFor(options);
    const c = new Composer(this.fonts);
    const root: Node = { role: 'Document', kids: [] };
    for (const letter of letters) {
      if (c.pages.length % 2 === 1) c.newPage();
      const part: Node = { role: 'Part', kids: [] };
      root.kids.push(part);
      sealPages(c, composeLetter(c, part, letter, options, shared.images, shared.forms));
      onLetter();
    }
    return { bytes: writeDocument(shared, c, root, meta, this.date), pages: c.pages.length };
  }
}
