/**
 * Page geometry of the letter, in PDF points (1/72 inch). The address field is the French DL
 * window envelope's, as in KOMA-Script's NF letter class: 35 mm from the top, from 100 mm to
 * 200 mm from the left, 45 mm high, text from 110 mm; fold marks at 99 and 198 mm.
 */
export const mm = (v: number): number => (v * 72) / 25.4;

export const PAGE = { width: 595.28, height: 841.89 } as const;
export const MARGIN = { left: mm(20), right: mm(20), top: mm(15), bottom: mm(20) } as const;
export const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;

export const WINDOW = { left: mm(100), right: mm(200), top: mm(35), height: mm(45), textLeft: mm(110) } as const;
/** First baseline inside the window: below its top edge, clear of the envelope's border. */
export const ADDRESS = { top: mm(40), size: 10, lineHeight: mm(4.6) } as const;
export const FOLD_MARKS = [mm(99), mm(198)] as const;

export const DATE_LINE_TOP = mm(27);
export const BODY_TOP = mm(86);
export const FONT_SIZE = { body: 10, small: 8, issuer: 10.5, title: 12 } as const;
