import { isMap, isPair, isScalar, isSeq, LineCounter, visit, type Document, type Node } from 'yaml';

/**
 * Maps a path inside campagne.yaml to its line, so that every schema error points where the
 * user must look. Keys are compared as strings because YAML reads `45:` as a number.
 */
export function lineAt(doc: Document, counter: LineCounter, path: PropertyKey[], onKey = false): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined = rangeLine(node, counter);
  for (const [i, segment] of path.entries()) {
    // An entry of a list (`publications: - …`), by its index.
    if (isSeq(node)) {
      const item = typeof segment === 'number' || /^\d+$/.test(String(segment)) ? node.items[Number(segment)] : undefined;
      if (!item) break;
      line = rangeLine(item, counter) ?? line;
      node = item;
      continue;
    }
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
    if (!pair) break;
    const last = i === path.length - 1;
    line = rangeLine(last && onKey ? pair.key : (pair.value ?? pair.key), counter) ?? rangeLine(pair.key, counter) ?? line;
    node = pair.value;
  }
  return line;
}

function rangeLine(node: unknown, counter: LineCounter): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}

/**
 * The line of the first alias that cannot be resolved (`*nom` before its `&nom`), or of the
 * first alias at all when the trouble is their number (an expansion bomb).
 */
export function aliasLine(doc: Document, counter: LineCounter, unresolvedOnly: boolean): number | undefined {
  let line: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (unresolvedOnly && node.resolve(doc)) return undefined;
      line = rangeLine(node, counter);
      return visit.BREAK;
    },
  });
  return line;
}
