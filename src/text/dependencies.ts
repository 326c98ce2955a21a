import Handlebars from 'handlebars';

/**
 * Which values of the context a template reads. Letters to the 272 communes of a département
 * differ only in what their templates actually read (often just the mayor's sex): rendering
 * once per distinct set of those values, instead of once per commune, is the shared work done
 * once. The analysis is conservative: anything it cannot follow (each, with, ../, @root, this)
 * makes the template "not analysable", and it is then rendered for every context.
 */
type Node = hbs.AST.Node;

/** Fields of object arguments that each helper reads; a helper not listed reads its whole argument. */
export const HELPER_FIELDS: Record<string, string[] | undefined> = {
  salutation: ['sexe'],
  de: ['nom', 'typeLiaison'],
  le: ['nom', 'typeLiaison'],
};

const CONTEXT_NEUTRAL_BLOCKS = new Set(['if', 'unless']);

export function referencedPaths(source: string, helpers: Set<string>): string[][] | null {
  return pathsOf(Handlebars.parse(source), helpers);
}

/** referencedPaths of a template already parsed (before it is compiled: the compiler rewrites some nodes). */
export function pathsOf(program: hbs.AST.Program, helpers: Set<string>): string[][] | null {
  const paths: string[][] = [];
  let analysable = true;

  const pathOf = (p: hbs.AST.PathExpression): string[] | null => (p.data || p.depth > 0 || p.parts.length === 0 ? null : p.parts.map(String));

  const visitExpression = (e: hbs.AST.Expression, fields?: string[]): void => {
    if (e.type === 'PathExpression') {
      const parts = pathOf(e as hbs.AST.PathExpression);
      if (!parts) analysable = false;
      else if (fields) for (const f of fields) paths.push([...parts, f]);
      else paths.push(parts);
    } else if (e.type === 'SubExpression') visitCall(e as hbs.AST.SubExpression);
  };

  const visitCall = (call: { path: hbs.AST.PathExpression | hbs.AST.Expression; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }): void => {
    const name = call.path.type === 'PathExpression' ? (call.path as hbs.AST.PathExpression).original : '';
    if (helpers.has(name) || CONTEXT_NEUTRAL_BLOCKS.has(name)) {
      for (const p of call.params) visitExpression(p, HELPER_FIELDS[name]);
      for (const pair of call.hash?.pairs ?? []) visitExpression(pair.value);
    } else if (call.params.length === 0 && !call.hash) {
      visitExpression(call.path);
    } else {
      analysable = false;
    }
  };

  const visit = (node: Node | undefined | null): void => {
    if (!node || !analysable) return;
    switch (node.type) {
      case 'Program':
        for (const s of (node as hbs.AST.Program).body) visit(s);
        break;
      case 'MustacheStatement':
        visitCall(node as hbs.AST.MustacheStatement);
        break;
      case 'BlockStatement': {
        const block = node as hbs.AST.BlockStatement;
        if (!CONTEXT_NEUTRAL_BLOCKS.has(block.path.original)) {
          analysable = false;
          return;
        }
        visitCall(block);
        visit(block.program);
        visit(block.inverse);
        break;
      }
      case 'ContentStatement':
      case 'CommentStatement':
        break;
      default:
        analysable = false;
    }
  };

  visit(program);
  return analysable ? paths : null;
}

const ABSENT = Symbol('absent');

/** Deduplicated paths, so that each value is read once per render. */
export function uniquePaths(paths: string[][]): string[][] {
  return [...new Map(paths.map((p) => [p.join('.'), p])).values()];
}

/**
 * A key that is equal for two contexts exactly when every referenced value is equal. Values are
 * interned to small numbers: the same long message text, shared by thousands of recipients, is
 * then hashed once (V8 caches a string's hash) instead of being copied into every key.
 */
export function dependencyKey(context: unknown, paths: string[][], interned: Map<unknown, number>): string {
  let key = '';
  for (const path of paths) {
    let v: unknown = context;
    for (const part of path) {
      if (v === null || typeof v !== 'object' || !(part in (v as object))) {
        v = ABSENT;
        break;
      }
      v = (v as Record<string, unknown>)[part];
    }
    if (v === undefined) v = ABSENT;
    else if (v !== null && typeof v === 'object') v = JSON.stringify(v);
    let id = interned.get(v);
    if (id === undefined) {
      id = interned.size;
      interned.set(v, id);
    }
    key += `${id},`;
  }
  return key;
}
