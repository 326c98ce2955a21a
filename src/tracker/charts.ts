import { frenchNumber } from '../text/format.js';

/**
 * The sign-up charts as inline SVG, drawn for a phone first: 360 units wide, shown between about
 * 0.9 times that size (a 360 px phone, less the page's margins) and 1.45 times (the page caps it
 * at 520 px), so that 13-unit text stays legible on a phone and is never huge on a desk. One scale per chart, labelled: the daily sign-ups and the running total are two charts
 * on the same days, never one drawing with two unmarked scales. Pure: text in, text out.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const CHART_WIDTH = 360;
const FONT = 13;
const BLUE = '#000091';
const LIGHT = '#8585f6';
const n = (v: number) => frenchNumber(v);
const px = (v: number) => Number(v.toFixed(1));

/** A generous width for a line of text (digits and capitals are the widest glyphs): layout keeps clear of it. */
export const textWidth = (text: string, size = FONT) => text.length * size * 0.64;

/** Round ticks (1, 2 or 5 × 10^k) from 0 to at least `max`, about five of them; counts only, so whole numbers. */
export function axisTicks(max: number, count = 5): number[] {
  const raw = Math.max(1, max) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks.length > 1 ? ticks : [0, step];
}

/** "26/03" from "2020-03-26". */
const shortDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;

export interface Item {
  label: string;
  value: number;
}

/**
 * Horizontal bars, one row per item: the label on its own line above its bar, so that a long
 * label never runs into a bar, and the value just after the bar's end.
 */
export function barsChart(items: Item[], title: string): string {
  const rowH = 46;
  const valueW = Math.max(...items.map((i) => textWidth(n(i.value))), textWidth('0'));
  const maxBar = CHART_WIDTH - valueW - 10;
  const max = Math.max(1, ...items.map((i) => i.value));
  const maxChars = Math.floor(CHART_WIDTH / ((FONT + 1) * 0.64));
  const rows = items
    .map((item, i) => {
      const y = i * rowH;
      const w = px((item.value / max) * maxBar);
      const label = item.label.length > maxChars ? `${item.label.slice(0, maxChars - 1)}…` : item.label;
      return (
        `<g><title>${escapeHtml(item.label)} : ${n(item.value)}</title>` +
        `<text x="0" y="${y + 15}" class="l">${escapeHtml(label)}</text>` +
        `<rect class="bar" x="0" y="${y + 21}" width="${w}" height="18" fill="${BLUE}" data-value="${item.value}"></rect>` +
        `<text x="${px(w + 6)}" y="${y + 35}" class="v">${n(item.value)}</text></g>`
      );
    })
    .join('');
  const height = Math.max(1, items.length) * rowH;
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="${escapeHtml(title)}">${rows}</svg></figure>`;
}

export interface Day {
  date: string;
  value: number;
}

/**
 * The frame of a chart over days: a y axis with its title and round ticks, the days along x in
 * equal bands. The plot starts after the widest tick label and ends inside the view box, and a
 * date is written only where it has room.
 */
function dayFrame(days: Day[], axisTitle: string) {
  const height = 250;
  const ticks = axisTicks(Math.max(...days.map((d) => d.value)));
  const top = ticks.at(-1)!;
  const x0 = Math.ceil(Math.max(...ticks.map((t) => textWidth(n(t))))) + 10;
  const x1 = CHART_WIDTH - 6;
  const y0 = height - 28;
  const y1 = 34;
  const band = (x1 - x0) / days.length;
  const y = (v: number) => y0 - (v / top) * (y0 - y1);
  const centre = (i: number) => x0 + (i + 0.5) * band;
  const dateW = textWidth('00/00');
  const every = Math.max(1, Math.ceil((dateW + 8) / band));
  const dates = days
    .map((d, i) => ({ d, i }))
    // Counted from the last day: the most recent date is always written.
    .filter(({ i }) => (days.length - 1 - i) % every === 0)
    .map(({ d, i }) => `<text x="${px(Math.min(Math.max(centre(i), dateW / 2), CHART_WIDTH - dateW / 2))}" y="${y0 + 20}" class="a" text-anchor="middle">${shortDate(d.date)}</text>`)
    .join('');
  const grid = ticks
    .map((t) => `<line class="grid" data-value="${t}" x1="${x0}" y1="${px(y(t))}" x2="${x1}" y2="${px(y(t))}" stroke="${t === 0 ? '#666' : '#ddd'}"></line><text x="${x0 - 6}" y="${px(y(t) + 4.5)}" class="a" text-anchor="end">${n(t)}</text>`)
    .join('');
  const svg = (label: string, body: string) =>
    `<svg viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="${escapeHtml(label)}"><text x="0" y="15" class="t">${escapeHtml(axisTitle)}</text>${grid}${body}${dates}</svg>`;
  return { y, y0, band, centre, svg };
}

/** Sign-ups of each day as vertical bars, on their own axis. */
export function dailyChart(days: Day[], title: string, axisTitle: string): string {
  if (!days.length) return '';
  const f = dayFrame(days, axisTitle);
  const barW = Math.max(1, f.band * 0.7);
  const bars = days
    .map((d, i) => {
      const top = f.y(d.value);
      return `<rect class="bar" x="${px(f.centre(i) - barW / 2)}" y="${px(top)}" width="${px(barW)}" height="${px(f.y0 - top)}" fill="${LIGHT}" data-value="${d.value}"><title>${shortDate(d.date)} : ${n(d.value)}</title></rect>`;
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>${f.svg(title, bars)}</figure>`;
}

/** The running total as a line with a dot per day, on its own axis, over the same days. */
export function cumulativeChart(days: Day[], title: string, axisTitle: string): string {
  if (!days.length) return '';
  const f = dayFrame(days, axisTitle);
  const points = days.map((d, i) => `${px(f.centre(i))},${px(f.y(d.value))}`).join(' ');
  const dots = days.length > 62 ? '' : days.map((d, i) => `<circle class="point" cx="${px(f.centre(i))}" cy="${px(f.y(d.value))}" r="3" fill="${BLUE}" data-value="${d.value}"><title>${shortDate(d.date)} : ${n(d.value)}</title></circle>`).join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>${f.svg(title, `<polyline points="${points}" fill="none" stroke="${BLUE}" stroke-width="2.5"></polyline>${dots}`)}</figure>`;
}

/** The charts' type sizes, in view-box units (see CHART_WIDTH). */
export const CHART_CSS = `svg .l{font-size:${FONT + 1}px}svg .v{font-size:${FONT}px;fill:#333}svg .a{font-size:${FONT}px;fill:#555}svg .t{font-size:${FONT}px;font-weight:600;fill:#333}`;
