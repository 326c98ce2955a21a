/**
 * Where in a template's source an error comes from: Handlebars names a line at best, and often no
 * variable. These read the source (its {{…}} expressions and blocks) and the context to say which
 * expression, which missing segment and which open block a TemplateError names (templates.ts).
 */

/** The {{…}} expression that covers a column of a line, to name the variable in French. */
export function expressionAt(source: string, line: number | undefined, column: number | undefined): string | undefined {
  if (line === undefined) return undefined;
  const text = source.split('\n')[line - 1] ?? '';
  const re = /\{\{~?[#/^]?\s*([^}]*?)\s*~?\}\}/g;
  let best: string | undefined;
  for (const m of text.matchAll(re)) {
    const start = m.index ?? 0;
    if (column === undefined || (start <= column && column < start + m[0].length)) {
      best = m[1];
      if (column !== undefined) break;
    }
  }
  return best;
}

/** Every {{…}} of a template with its line, for errors that Handlebars reports without one. */
export function* expressions(source: string): Generator<{ line: number; expr: string }> {
  const lines = source.split('\n');
  for (const [i, text] of lines.entries()) {
    for (const m of text.matchAll(/\{\{~?[#/^>]?\s*([^}]*?)\s*~?\}\}/g)) yield { line: i + 1, expr: m[1] ?? '' };
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first path in the template that reads `prop` from something: "commune.nom.length". */
export function pathReading(source: string, prop: string): { line: number; expr: string; path: string } | undefined {
  const re = new RegExp(`(?:@?[\\w-]+|\\[[^\\]]*\\])(?:[./](?:[\\w-]+|\\[[^\\]]*\\]))*[./]\\[?${escapeRegExp(prop)}\\]?(?![\\w-])`);
  for (const { line, expr } of expressions(source)) {
    const m = re.exec(expr);
    if (m) return { line, expr, path: m[0] };
  }
  return undefined;
}

/** The first segment of `path` that the context lacks ("volontaires" in volontaires.region). */
export function missingSegment(context: unknown, path: string): string | undefined {
  const parts = path.replace(/^@root[./]/, '').split(/[./]/).map((p) => p.replace(/^\[|\]$/g, ''));
  let value: unknown = context;
  const seen: string[] = [];
  for (const part of parts) {
    seen.push(part);
    if (value === null || typeof value !== 'object' || !(part in value)) return seen.join('.');
    value = (value as Record<string, unknown>)[part];
  }
  return undefined;
}

export const lastSegment = (path: string) => path.split(/[./]/).at(-1) ?? path;

/** Why a variable is absent, when the campaign's configuration decides it. */
export function absentHint(path: string): string {
  if (path === 'volontaires' || path.startsWith('volontaires.')) return ' : « volontaires » n’existe que si la campagne a « sources.inscriptions » ou « campagne.volontaires » dans campagne.yaml';
  return '';
}

/** The innermost block left open at the end of a template, to point at its opening line. */
export function unclosedBlock(source: string): { name: string; line: number } | undefined {
  const stack: Array<{ name: string; line: number }> = [];
  source.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/\{\{~?\s*([#/])\s*([\w-]+)/g)) {
      if (m[1] === '#') stack.push({ name: m[2] ?? '', line: i + 1 });
      else stack.pop();
    }
  });
  return stack.at(-1);
}

/**
 * A variable read under a root that is null for this recipient (a commune without a known mayor:
 * `maire` is null, as is `contact` without a `contact:` section): the variable is right, the value
 * is missing. Said as such, with what to do, instead of « variable inconnue »; undefined otherwise.
 */
export function emptyRoot(context: unknown, path: string): string | undefined {
  const root = path.replace(/^@root[./]/, '').split(/[./]/)[0] ?? '';
  if (!context || typeof context !== 'object' || (context as Record<string, unknown>)[root] !== null) return undefined;
  if (root === 'maire') return "pas de maire connu pour cette commune (aucun maire dans le fichier des maires) : la lettre n'aurait pas de nom ; complétez le fichier des maires, ou encadrez ce passage de {{#if maire}}…{{/if}}";
  if (root === 'contact') return "« contact » est vide : campagne.yaml n'a pas de section « contact: » ; ajoutez-la, ou encadrez ce passage de {{#if contact}}…{{/if}}";
  return `« ${root} » est vide pour ce destinataire : encadrez ce passage de {{#if ${root}}}…{{/if}}`;
}
