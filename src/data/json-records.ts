/**
 * Splits a large JSON document into its records without holding it whole: the bytes are scanned
 * for the boundaries of each element of the records array, and each element alone goes through
 * JSON.parse. A national directory export is some 300 MB; reading it as one string and then as
 * one parsed tree would need both at once. The scanner only tracks strings (with their escapes)
 * and nesting; JSON.parse validates each record's own syntax, so a broken record is one rejected
 * record, and a file cut in the middle is reported with the record it was cut in. A reader that
 * needs one member of most records (the pivot of the directory's) has them walked instead
 * (JsonSkim): checked as JSON.parse would, and only that member handed over.
 *
 * The records array is the document itself (`[ … ]`, the API's JSON export) or the value of the
 * key `service` (data.gouv.fr's "Base de données locales"), `results` (the API's records
 * endpoint) or `records` (older Opendatasoft APIs) of a root object.
 */
import { BACKSLASH, QUOTE, WALK_INVALID, WALK_MORE, walked, walkObject } from './json-skim.js';

export type JsonItem =
  | { index: number; line: number; value: unknown }
  | { index: number; line: number; error: string }
  /**
   * Records read by one member only (see JsonSkim), `count` of them in a row from record number
   * `index` (at `line`), for which `read` gave the same value: a national export has 88,000 such
   * records, which a reader only counts; an object each was the better part of its garbage.
   */
  | { index: number; line: number; skimmed: unknown; count: number };

/**
 * Records that one member can settle are not parsed whole: `read` gets where the bytes of the
 * member `key` of each well-formed record are (well-formed JSON themselves) and gives what stands
 * for the record, or undefined for a record to parse whole (json-skim.ts).
 */
export interface JsonSkim {
  key: string;
  read: (buf: Buffer, start: number, end: number) => unknown;
}

export class JsonShapeError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Past this size, a record still unfinished is scanned, not walked again (see scan). */
const MAX_WALKED = 1 << 20;
const RECORD_KEYS = new Set(['service', 'results', 'records']);
const NO_KEY = new Uint8Array(0);

export class JsonRecordSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Scan position in buf. */
  private pos = 0;
  private inString = false;
  private strStart = 0;
  private line = 1;
  private started = false;
  private rootIsObject = false;
  /** Depth of the records array once found (the depth inside it), else -1. */
  private recordsDepth = -1;
  private recordsDone = false;
  private elementStart = -1;
  private elementLine = 0;
  private elementScalar = false;
  private lastKey: string | undefined;
  private expectKey = false;
  private index = 0;
  private readonly skim: { key: Buffer; read: JsonSkim['read'] } | undefined;
  /** A record's walk stopped at the end of the bytes so far (scan resumes at its start). */
  private walkPending = false;
  /** The document ended: what is left is scanned, not walked, to say where it stops. */
  private walkStopped = false;
  /**
   * The brackets open where the scan is, and the line of each: a closing bracket of the other
   * kind (a « ] » forgotten in a hand edit) is said where it happens, not as a cut at the end of
   * the file, after every record that follows was swallowed into the broken one.
   */
  private readonly open: number[] = [];
  private readonly openLines: number[] = [];
  /** How deep the scan is: the brackets open where it stands. */
  private get depth(): number {
    return this.open.length;
  }
  /** A fault found in a chunk that also completed records: those are handed over first. */
  private fault: JsonShapeError | undefined;

  constructor(skim?: JsonSkim) {
    this.skim = skim && { key: Buffer.from(skim.key), read: skim.read };
  }

  /** Feeds bytes; returns the records completed by them. */
  push(chunk: Buffer): JsonItem[] {
    if (this.fault) throw this.fault;
    const keep = this.keepFrom();
    this.buf = keep < this.buf.length ? Buffer.concat([this.buf.subarray(keep), chunk]) : chunk;
    this.shift(keep);
    const out: JsonItem[] = [];
    try {
      this.scan(out);
    } catch (err) {
      // The records before the fault stay counted: given now, the fault at the next call.
      if (!(err instanceof JsonShapeError) || out.length === 0) throw err;
      this.fault = err;
    }
    return out;
  }

  /** Ends the document: throws a JsonShapeError if it stops in the middle. */
  end(): JsonItem[] {
    if (this.fault) throw this.fault;
    const out: JsonItem[] = [];
    if (this.walkPending) {
      // A record cut by the end of the file: scanned as any other, so that the cut is reported.
      this.walkStopped = true;
      this.scan(out);
    }
    if (this.elementScalar && this.elementStart >= 0) this.emit(this.buf.length, out);
    if (!this.started) throw new JsonShapeError('fichier vide : aucun contenu JSON', 1);
    // Not cut: the unfinished record has bytes that are not JSON before the end (a quote lost in a
    // hand edit), and swallowed the rest of the file. A record merely cut is JSON up to its end.
    if ((this.inString || this.depth > 0) && this.elementStart >= 0 && this.buf[this.elementStart] === 0x7b && walkObject(this.buf, this.elementStart, this.buf.length, NO_KEY, () => undefined) === WALK_INVALID) {
      throw new JsonShapeError(
        `la fiche n° ${this.index + 1} (ligne ${this.elementLine}) est mal formée : un guillemet, un crochet ou une accolade y manque sans doute (une valeur écrite sans ses guillemets ?) ; lu à partir d'elle, le reste du fichier n'est plus des fiches : corrigez-la, les fiches qui la suivent n'ont pas été lues`,
        this.elementLine,
      );
    }
    if (this.inString || this.depth > 0) {
      const where =
        this.elementStart >= 0
          ? `au milieu de la fiche n° ${this.index + 1} (commencée ligne ${this.elementLine})`
          : this.inString
            ? 'au milieu d’un texte entre guillemets'
            : 'avant la fin de la liste des fiches';
      const last = this.open.length - 1;
      const unclosed = this.inString ? 'un guillemet' : `le « ${String.fromCharCode(this.open[last]!)} » ouvert ligne ${this.openLines[last]}`;
      // Cut on the way, or a hand edit that left something open: both are said, neither is guessed.
      throw new JsonShapeError(
        `fichier JSON tronqué : il s'arrête ${where} sans refermer ${unclosed} ; s'il a été coupé au téléchargement, retéléchargez-le, et si c'est une correction faite à la main, refermez ce qui est resté ouvert`,
        this.line,
      );
    }
    if (this.recordsDepth < 0) {
      throw new JsonShapeError(
        'aucune liste de fiches dans ce JSON : un tableau de fiches (export de l’API) ou un objet avec la clé « service » (Base de données locales) est attendu',
        1,
      );
    }
    return out;
  }

  private keepFrom(): number {
    if (this.elementStart >= 0) return this.elementStart;
    if (this.inString) return this.strStart - 1;
    return this.pos;
  }

  private shift(by: number): void {
    this.pos -= by;
    if (this.elementStart >= 0) this.elementStart -= by;
    if (this.inString) this.strStart -= by;
  }

  private emit(endExclusive: number, out: JsonItem[]): void {
    const index = ++this.index;
    const line = this.elementLine;
    out.push(parsedRecord(this.buf, this.elementStart, endExclusive, index, line));
    this.elementStart = -1;
    this.elementScalar = false;
  }

  private scan(out: JsonItem[]): void {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    while (i < n) {
      if (this.inString) {
        // Most strings are a few bytes long: a loop here costs less than a call to indexOf per
        // string. A backslash escapes the byte after it, whatever it is.
        let q = i;
        while (q < n) {
          const b = buf[q]!;
          if (b === QUOTE) break;
          q += b === BACKSLASH ? 2 : 1;
        }
        if (q >= n) {
          // The string goes on in the next chunk; a backslash that ends this one is read again.
          i = q > n ? n - 1 : n;
          break;
        }
        this.inString = false;
        if (this.rootIsObject && this.depth === 1 && this.expectKey) this.lastKey = buf.toString('utf8', this.strStart, q);
        i = q + 1;
        continue;
      }
      const c = buf[i]!;
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++;
        continue;
      }
      if (c === 0x0a) {
        this.line++;
        i++;
        continue;
      }
      if (!this.started) {
        this.started = true;
        if (c === 0x5b) this.recordsDepth = 1;
        else if (c === 0x7b) {
          this.rootIsObject = true;
          this.expectKey = true;
        } else throw new JsonShapeError('ce fichier ne commence ni par [ ni par { : ce n’est pas un export JSON', this.line);
      }
      const atRecords = !this.recordsDone && this.recordsDepth > 0 && this.depth === this.recordsDepth;
      if (this.elementScalar && atRecords && (c === 0x2c || c === 0x5d)) this.emit(i, out);
      if (c === QUOTE) {
        if (atRecords && this.elementStart < 0) this.startElement(i, true);
        this.inString = true;
        this.strStart = i + 1;
        i++;
        continue;
      }
      if (c === 0x7b && atRecords && this.elementStart < 0 && this.skim && !this.walkStopped) {
        // A record walked whole at once, as JSON.parse reads it; one that is not JSON is scanned
        // below as any other, and JSON.parse then says why.
        const end = walkObject(buf, i, n, this.skim.key, this.skim.read);
        // A record that goes on in the next chunk is walked again from its start then; one that
        // big is rather scanned below (its walk would start over at every chunk).
        this.walkPending = end === WALK_MORE && n - i < MAX_WALKED;
        if (this.walkPending) {
          this.pos = i;
          return;
        }
        if (end >= 0) {
          if (walked.skimmed) {
            const last = out[out.length - 1];
            this.index++;
            if (last !== undefined && 'skimmed' in last && last.skimmed === walked.value) last.count++;
            else out.push({ index: this.index, line: this.line, skimmed: walked.value, count: 1 });
          }
          else {
            this.startElement(i, false);
            this.emit(end, out);
          }
          this.line += walked.lines;
          i = end;
          continue;
        }
      }
      if (c === 0x7b || c === 0x5b) {
        if (atRecords && this.elementStart < 0) this.startElement(i, false);
        if (this.rootIsObject && this.depth === 1 && c === 0x5b && this.recordsDepth < 0 && this.lastKey !== undefined && RECORD_KEYS.has(this.lastKey)) {
          this.recordsDepth = 2;
        }
        this.open.push(c);
        this.openLines.push(this.line);
        i++;
        continue;
      }
      if (c === 0x7d || c === 0x5d) {
        if (this.open.length === 0) throw new JsonShapeError(`« ${String.fromCharCode(c)} » en trop : il ne ferme rien de ce qui a été ouvert avant lui`, this.line);
        const opener = this.open.pop()!;
        const openLine = this.openLines.pop()!;
        if (opener !== (c === 0x7d ? 0x7b : 0x5b)) throw this.mismatch(opener, openLine, c);
        if (!this.recordsDone && this.recordsDepth > 0) {
          if (this.depth === this.recordsDepth && this.elementStart >= 0 && !this.elementScalar) this.emit(i + 1, out);
          else if (this.depth === this.recordsDepth - 1) this.recordsDone = true;
        }
        i++;
        continue;
      }
      if (this.rootIsObject && this.depth === 1) {
        if (c === 0x3a) this.expectKey = false;
        else if (c === 0x2c) this.expectKey = true;
      }
      if (atRecords && this.elementStart < 0 && c !== 0x2c) this.startElement(i, true);
      i++;
    }
    this.pos = i;
  }

  /** A closing bracket of the other kind: where the document stops making sense, said in full. */
  private mismatch(opener: number, openLine: number, closer: number): JsonShapeError {
    const o = String.fromCharCode(opener);
    const wanted = opener === 0x7b ? '}' : ']';
    const fault = `le « ${o} » ouvert ligne ${openLine} est refermé par un « ${String.fromCharCode(closer)} » ligne ${this.line} : il y manque sans doute un « ${wanted} »`;
    const message =
      this.elementStart >= 0
        ? `la fiche n° ${this.index + 1} (ligne ${this.elementLine}) est mal formée : ${fault} ; corrigez-la, les fiches qui la suivent n'ont pas été lues`
        : `JSON mal formé : ${fault} ; corrigez-le, les fiches qui suivent n'ont pas été lues`;
    return new JsonShapeError(message, openLine);
  }

  private startElement(at: number, scalar: boolean): void {
    this.elementStart = at;
    this.elementLine = this.line;
    this.elementScalar = scalar;
  }
}

/** The record whose bytes are [start, end): its value, or why JSON.parse refuses it. */
export function parsedRecord(buf: Buffer, start: number, end: number, index: number, line: number): { index: number; line: number; value: unknown } | { index: number; line: number; error: string } {
  const text = buf.toString('utf8', start, end).trim();
  try {
    return { index, line, value: JSON.parse(text) };
  } catch (err) {
    return { index, line, error: `JSON invalide (${jsonParseReason(err, text.length)})` };
  }
}

/**
 * Records of a JSON byte stream, in order, a chunk's worth at a time: one await per record would
 * cost more than parsing it.
 */
export async function* jsonRecords(stream: AsyncIterable<Buffer | string>, skim?: JsonSkim): AsyncGenerator<JsonItem[]> {
  const splitter = new JsonRecordSplitter(skim);
  let first = true;
  for await (const raw of stream) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    first = false;
    const items = splitter.push(chunk);
    if (items.length) yield items;
  }
  const last = splitter.end();
  if (last.length) yield last;
}

/**
 * Why JSON.parse failed, in French: its own message is English ("Expected ',' or '}' after
 * property value in JSON at position 65"); the position is what helps the user.
 */
export function jsonParseReason(err: unknown, length?: number): string {
  const message = err instanceof Error ? err.message : String(err);
  const at = /position (\d+)/.exec(message)?.[1];
  // « Expected ',' or ']' after array element at position 26 » of a 26-character text: it stops short.
  if (/unexpected end|unterminated/i.test(message) || (at !== undefined && length !== undefined && Number(at) >= length)) return 'le texte s’arrête avant la fin : coupé ou guillemet jamais refermé';
  return at !== undefined ? `texte mal formé près du caractère ${Number(at) + 1}` : 'texte mal formé';
}
