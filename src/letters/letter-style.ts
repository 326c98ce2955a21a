import { rgb, type Node, type TextStyle } from './compose.js';
import { MARGIN, PAGE } from './geometry.js';

/** What the letter's pages (letter-pages.ts) and its annex (letter-annex.ts) draw with: colours, text styles, the page's foot, structure nodes. */
export const BLACK = '0 g';
export const GREY = `${rgb('#666666')} rg`;
export const BLUE = rgb('#000091');
export const BOTTOM = PAGE.height - MARGIN.bottom;

export const regular = (size: number, color = BLACK): TextStyle => ({ style: 'regular', size, color });
export const bold = (size: number, color = BLACK): TextStyle => ({ style: 'bold', size, color });

export const el = (parent: Node, role: Node['role'], extra: Partial<Node> = {}): Node => {
  const node: Node = { role, kids: [], ...extra };
  parent.kids.push(node);
  return node;
};
