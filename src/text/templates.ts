import Handlebars from 'handlebars';
import { dependencyKey, pathsOf, uniquePaths } from './dependencies.js';
import { withArticle, withDe } from './french.js';
import { absentHint, emptyRoot, expressionAt, expressions, lastSegment, missingSegment, pathReading, unclosedBlock } from './template-source.js';
import { bareUrl, FormatError, frenchDate, frenchLongDate, frenchNumber, mayorSalutation, placeAndDate, plural, roundDown, type NumberSpace } from './format.js';

/**
 * The template environment: Handlebars in strict mode with French helpers. A missing variable or
 * an unknown helper is an error naming the template file, the line and the variable — never a
 * blank in a letter sent to 1,750 mayors. Only the HTML part of the email is HTML-escaped.
 */
export class TemplateError extends Error {
  /** What went wrong, without the recipient's values: errors with the same reason are one problem. */
  readonly reason: string;
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | undefined,
    readonly variable?: string,
    reason?: string,
  ) {
    super(message);
    this.name = 'TemplateError';
    this.reason = reason ?? message;
  }
}

export interface TemplateSource {
  /** Key of the template (lettre, sms…). */
  name: string;
  /** Path shown in messages. */
  file: string;
  source: string;
  html?: boolean;
  /** Which space goes between groups of digits in this output. */
  space?: NumberSpace;
}

type HelperOptions = Handlebars.HelperOptions & { loc?: { start: { line: number } }; data?: { space?: NumberSpace } };
type Place = { nom: string; typeLiaison: number };

function isPlace(v: unknown): v is Place {
  return typeof v === 'object' && v !== null && typeof (v as Place).nom === 'string';
}

/** Each helper checks its arguments: a wrong type is a clear error, not "NaN" in a letter. */
const HELPERS: Record<string, (...args: unknown[]) => unknown> = {
  date: (value) => frenchDate(value),
  date_longue: (value) => frenchLongDate(value),
  lieu_date: (place, value) => placeAndDate(String(place), value),
  nombre: (value, ...rest) => frenchNumber(value, (rest.at(-1) as HelperOptions).data?.space ?? 'document'),
  arrondi: (value, step, ...rest) => roundDown(value, rest.length ? step : 100),
  pluriel: (count, singular, ...rest) => {
    const pluralForm = rest.length > 1 ? String(rest[0]) : undefined;
    return plural(count, String(singular), pluralForm);
  },
  de: (place) => {
    if (!isPlace(place)) throw new FormatError('« de » attend un lieu (commune, departement ou region)');
    return withDe(place.nom, place.typeLiaison);
  },
  le: (place) => {
    if (!isPlace(place)) throw new FormatError('« le » attend un lieu (commune, departement ou region)');
    return withArticle(place.nom, place.typeLiaison);
  },
  salutation: (maire) => mayorSalutation(maire && typeof maire === 'object' ? (maire as { sexe?: string }).sexe : undefined),
  sans_protocole: (url) => bareUrl(url),
  majuscules: (text) => String(text).toUpperCase(),
};

export const HELPER_NAMES = Object.keys(HELPERS);

function helperLine(args: unknown[]): number | undefined {
  return (args.at(-1) as HelperOptions | undefined)?.loc?.start.line;
}

const MEMO_LIMIT = 20_000;
/**
 * And as many characters of rendered text, all templates together: a letter personalised per
 * commune renders 35,000 bodies of 4,000 characters nationally, none of them rendered twice, and
 * 20,000 of them kept for nothing were 60 MB.
 */
const MEMO_CHARS = 2_000_000;

/** The two compiler passes Handlebars exports (for compile and precompile) but does not type. */
interface HandlebarsCompilers {
  Compiler: new () => { compile(program: hbs.AST.Program, options: object): unknown };
  JavaScriptCompiler: new () => { compile(environment: unknown, options: object, context: undefined, asObject: true): TemplateSpecification };
}

export class TemplateSet {
  private readonly hb = Handlebars.create();
  /** Values seen in contexts → small ids, shared by the memo keys of every template. */
  private readonly interned = new Map<unknown, number>();
  /** Characters of text held by the memos. */
  private memoChars = 0;
  private readonly compiled = new Map<
    string,
    { spec: TemplateSource; render: Handlebars.TemplateDelegate; paths: string[][] | null; memo: Map<string, string | TemplateError> }
  >();

  /**
   * Compiles every template now. Without `errors`, the first broken template throws; with it,
   * every broken template is collected there (and left out), so that all of them are reported.
   */
  constructor(specs: TemplateSource[], errors?: TemplateError[]) {
    for (const [name, fn] of Object.entries(HELPERS)) {
      this.hb.registerHelper(name, (...args: unknown[]) => {
        try {
          return fn(...args);
        } catch (err) {
          if (err instanceof FormatError) throw Object.assign(err, { helper: name, lineNumber: helperLine(args) });
          throw err;
        }
      });
    }
    const knownHelpers = Object.fromEntries(HELPER_NAMES.map((n) => [n, true]));
    const helperNames = new Set(HELPER_NAMES);
    for (const given of specs) {
      // CRLF or a bare CR (a template saved on Windows, or an old Mac): lines are counted alike.
      const spec = { ...given, source: given.source.replace(/\r\n?/g, '\n') };
      try {
        if (spec.source.trim() === '') throw new TemplateError(`modèle vide`, spec.file, 1);
        this.compiled.set(spec.name, this.compile(spec, knownHelpers, helperNames));
      } catch (err) {
        const error = err instanceof TemplateError ? err : this.translate(err, spec);
        if (!errors) throw error;
        errors.push(error);
      }
    }
  }

  /**
   * What Handlebars.compile does at the first render and precompile does to find errors, done
   * once, now: parse, compile, make the template function. Syntax errors and unknown helpers
   * surface here; the paths are read from the same parse.
   */
  private compile(spec: TemplateSource, knownHelpers: Record<string, boolean>, helperNames: Set<string>) {
    const options = { strict: true, noEscape: !spec.html, knownHelpers, knownHelpersOnly: true, preventIndent: true, data: true };
    // Parsing reads no option of ours (only srcName and ignoreStandalone, which relais never sets).
    const ast = this.hb.parse(spec.source);
    const found = pathsOf(ast, helperNames);
    const hb = this.hb as typeof this.hb & HandlebarsCompilers;
    const environment = new hb.Compiler().compile(ast, options);
    const render = this.hb.template(new hb.JavaScriptCompiler().compile(environment, options, undefined, true));
    return { spec, render, paths: found && uniquePaths(found), memo: new Map<string, string | TemplateError>() };
  }

  /**
   * A key equal for two contexts exactly when every template of the set would render them the
   * same (undefined when some template cannot be analysed): what lets a check render each
   * distinct letter once instead of once per commune.
   */
  keyFor(context: object): string | undefined {
    const all = this.analysedPaths();
    return all ? dependencyKey(context, all, this.interned) : undefined;
  }

  /**
   * keyFor for contexts that share all but a few roots (a département's recipients, who differ by
   * `commune`, `maire` and `mairie`): a keyer serves one shared context (one département), so only
   * each context's own roots are read. Two contexts keyed by one keyer get equal keys
   * exactly when keyFor of `{ ...shared, ...own }` would be equal; `own` must hold every root
   * named. Its own interning: a memo reset in render then cannot make the keys of two different
   * cases meet. Undefined when some template cannot be analysed.
   */
  keyerFor(ownRoots: readonly string[]): ((own: object) => string) | undefined {
    const all = this.analysedPaths();
    if (!all) return undefined;
    const roots = new Set(ownRoots);
    const interned = new Map<unknown, number>();
    const ownPaths = all.filter((p) => roots.has(p[0]!));
    return (own) => dependencyKey(own, ownPaths, interned);
  }

  private analysedPaths(): string[][] | null {
    if (this.allPaths === undefined) {
      const all: string[][] = [];
      let ok = true;
      for (const entry of this.compiled.values()) {
        if (!entry.paths) ok = false;
        else all.push(...entry.paths);
      }
      this.allPaths = ok ? uniquePaths(all) : null;
    }
    return this.allPaths;
  }

  private allPaths: string[][] | null | undefined;

  /** The file a template was read from, for messages. */
  fileOf(name: string): string | undefined {
    return this.compiled.get(name)?.spec.file;
  }

  /**
   * Renders, or returns the text already rendered for a context that agrees on every value the
   * template reads (errors included: they too depend only on those values).
   */
  render(name: string, context: object): string {
    const entry = this.compiled.get(name);
    if (!entry) throw new Error(`template ${name} not loaded`);
    const key = entry.paths ? dependencyKey(context, entry.paths, this.interned) : undefined;
    const known = key === undefined ? undefined : entry.memo.get(key);
    if (known instanceof TemplateError) throw known;
    if (known !== undefined) return known;
    let out: string | TemplateError;
    try {
      out = entry.render(context, { data: { space: entry.spec.space ?? 'document' } });
    } catch (err) {
      out = this.translate(err, entry.spec, context);
    }
    if (key !== undefined) {
      if (entry.memo.size >= MEMO_LIMIT || this.interned.size >= MEMO_LIMIT * 4 || this.memoChars >= MEMO_CHARS) {
        entry.memo.clear();
        this.interned.clear();
        this.memoChars = 0;
        for (const other of this.compiled.values()) other.memo.clear();
      }
      entry.memo.set(key, out);
      if (typeof out === 'string') this.memoChars += out.length;
    }
    if (out instanceof TemplateError) throw out;
    return out;
  }

  private translate(err: unknown, spec: TemplateSource, context?: object): TemplateError {
    const e = err as Error & { lineNumber?: number; column?: number; helper?: string; hash?: { loc?: { first_line?: number } } };
    const message = e.message ?? String(err);
    let line = e.lineNumber ?? e.hash?.loc?.first_line;
    const lineMatch = /(?:on line |- )(\d+):?(\d+)?/.exec(message);
    if (line === undefined && lineMatch) line = Number(lineMatch[1]);
    const error = (text: string, at: number | undefined, variable?: string, reason?: string) => new TemplateError(text, spec.file, at, variable, reason);
    if (err instanceof FormatError) return error(`{{${e.helper} …}} : ${message}`, line, undefined, `helper:${e.helper}`);
    const notDefined = /^"(.+)" not defined in/.exec(message);
    if (notDefined) {
      const expr = expressionAt(spec.source, line, e.column) ?? notDefined[1]!;
      // Handlebars names the last segment it could not read; the user needs the first missing one.
      const path = pathReading(spec.source, notDefined[1]!)?.path;
      const missing = (context && path && expr.includes(path) ? missingSegment(context, path) : undefined) ?? notDefined[1]!;
      const empty = context ? emptyRoot(context, missing) : undefined;
      if (empty) return error(`{{${expr}}} : ${empty}`, line, lastSegment(missing), `empty:${missing}`);
      return error(`variable inconnue « ${lastSegment(missing)} » dans {{${expr}}}${absentHint(missing)}`, line, lastSegment(missing), `variable:${missing}`);
    }
    // Read through a helper's argument, a missing object is a TypeError without a line.
    const readingUndefined = /^Cannot read propert(?:y|ies) of (?:undefined|null) \(reading '(.+)'\)/.exec(message);
    if (readingUndefined) {
      const found = pathReading(spec.source, readingUndefined[1]!);
      const missing = (found && context ? missingSegment(context, found.path) : undefined) ?? found?.path ?? readingUndefined[1]!;
      const empty = context ? emptyRoot(context, missing) : undefined;
      if (empty) return error(`${found ? `{{${found.expr}}} : ` : ''}${empty}`, found?.line, lastSegment(missing), `empty:${missing}`);
      return error(`variable inconnue « ${lastSegment(missing)} »${found ? ` dans {{${found.expr}}}` : ''}${absentHint(missing)}`, found?.line, lastSegment(missing), `variable:${missing}`);
    }
    // strict mode asks `'length' in "Orléans"`: a property of a text, or of a number.
    const inOperator = /^Cannot use 'in' operator to search for '(.+)' in /.exec(message);
    if (inOperator) {
      const found = pathReading(spec.source, inOperator[1]!);
      const base = found ? found.path.slice(0, found.path.length - inOperator[1]!.length - 1).replace(/[./]\[?$/, '') : undefined;
      const text = `${found ? `{{${found.expr}}} : ` : ''}${base ? `« ${base} » est une valeur simple (texte ou nombre), ` : ''}on ne peut pas y lire « ${inOperator[1]} »`;
      return error(text, found?.line, found?.path, `property:${found?.path ?? inOperator[1]}`);
    }
    const partial = /^The partial (.+) could not be found/.exec(message);
    if (partial) {
      const found = [...expressions(spec.source)].find((x) => x.expr.includes(partial[1]!));
      return error(`modèle partiel « ${partial[1]} » introuvable : relais ne prend pas en charge les {{> …}}`, found?.line ?? line);
    }
    const arity = /^#?(\w+) requires exactly one argument/.exec(message);
    if (arity) {
      const found = [...expressions(spec.source)].find((x) => new RegExp(`^#?${arity[1]}\\b`).test(x.expr) || x.expr.startsWith(`#${arity[1]}`));
      return error(`{{#${arity[1]}}} attend exactement une valeur`, line ?? found?.line);
    }
    const unknownHelper = /unknown helper (\S+)/.exec(message);
    if (unknownHelper) {
      return error(`fonction inconnue « ${unknownHelper[1]} » (fonctions disponibles : ${HELPER_NAMES.join(', ')})`, line, unknownHelper[1]);
    }
    const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
    if (mismatch) return error(`bloc {{#${mismatch[1]}}} fermé par {{/${mismatch[2]}}}`, line);
    if (/^Parse error/.test(message)) {
      const expected = /Expecting (.*), got '(\w+)'/.exec(message);
      if (expected?.[2] === 'EOF') {
        const open = unclosedBlock(spec.source);
        if (open) return error(`bloc {{#${open.name}}} jamais fermé (il manque {{/${open.name}}})`, open.line);
      }
      const got = expected?.[2];
      const why = got === 'INVALID' ? ' : caractère inattendu dans une expression {{…}} (guillemet ou crochet non fermé ?)' : got === 'CLOSE' ? ' : expression {{…}} incomplète' : got === 'INVERSE' ? ' : {{else}} à cet endroit' : '';
      return error(`syntaxe du modèle invalide${why}`, line);
    }
    if (/^Lexical error/.test(message)) {
      return error('syntaxe du modèle invalide : texte non reconnu après « {{ » (commentaire {{!-- non fermé, ou trop d’accolades ?)', line);
    }
    // Handlebars' own words are English and rarely clear: the detail is left to RELAIS_DEBUG.
    return new TemplateError(`modèle invalide à cet endroit (erreur de Handlebars non reconnue : relancez avec RELAIS_DEBUG=1 pour le détail)`, spec.file, line, undefined, `other:${message}`);
  }
}
