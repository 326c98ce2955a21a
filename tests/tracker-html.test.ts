import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Figures } from '../src/tracker/aggregate.js';
import { htmlReport } from '../src/tracker/html.js';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais, ROOT, type RunResult } from './helpers/cli.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from './helpers/chromium.js';

const NNBSP = '\u202f';

describe('the HTML report in a real browser', () => {
  let browser: Browser;
  let page: string;
  let run: RunResult;

  beforeAll(async () => {
    ensureChromium();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const dir = sampleCampaign();
    page = join(dir, 'out', 'volontaires.html');
    run = await relais(['-C', dir, 'track', '--out', page]);
    expect(run.code, run.stderr).toBe(0);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the key figures, the charts and the tables on a phone, with no network', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true });
    const tab = await context.newPage();
    const requests: string[] = [];
    tab.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await tab.goto(`file://${page}`);
    await expect(tab.locator('h1').textContent()).resolves.toBe('Volontaires inscrits');
    const kpi = await tab.locator('.kpi').first().innerText();
    expect(kpi).toMatch(/^2\u202f1\d\d\s+volontaires dans la région$/);
    // Départements, daily sign-ups, running total, categories: one chart each.
    expect(await tab.locator('figure svg').count()).toBe(4);
    expect(await tab.locator('figure').nth(0).innerText()).toContain('45 Loiret');
    expect(await tab.locator('polyline').count()).toBe(1);
    expect(await tab.locator('tbody tr').count()).toBeGreaterThan(5);
    // Nothing wider than the phone's screen.
    const overflow = (await tab.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    expect(requests).toEqual([]);
    if (process.env.RELAIS_DOCS_SCREENSHOT) await tab.screenshot({ path: join(ROOT, 'docs', 'suivi-volontaires.png'), fullPage: true });
    await context.close();
  });

  it('writes every number with its thousands grouped, and the words agree with them', async () => {
    const context = await browser.newContext({ viewport: { width: 400, height: 800 } });
    const tab = await context.newPage();
    await tab.goto(`file://${page}`);
    const kpis = await tab.locator('.kpi').allInnerTexts();
    expect(kpis).toContainEqual(expect.stringMatching(new RegExp(`^2${NNBSP}142\\s+doublons retirés$`)));
    const texts = await tab.locator('svg text').allTextContents();
    // The running total's axis and the category "soignant" pass a thousand.
    expect(texts).toEqual(expect.arrayContaining([`1${NNBSP}000`, `2${NNBSP}000`, `1${NNBSP}545`]));
    expect(await tab.locator('figcaption').allTextContents()).toContainEqual(`Total cumulé des inscriptions (2${NNBSP}148 au 10/04/2020)`);
    // No number of four digits or more is written without its separator, anywhere on the page.
    expect(await tab.locator('body').innerText()).not.toMatch(/(?<![\d/])\d{4,}(?![\d/])/);
    await context.close();
    // The command's own summary, through the same helper.
    expect(run.stderr).toContain(`2${NNBSP}148 volontaires dans la région ; 2${NNBSP}142 doublons retirés, 0 ligne rejetée, 30 hors région, 22 désinscriptions non comptées, 4 changements de département.`);
  });

  for (const width of [360, 400, 1000]) {
    it(`draws honest charts at ${width} px: one scale each, nothing clipped or overlapping, text legible`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, isMobile: width < 500 });
      const tab = await context.newPage();
      await tab.goto(`file://${page}`);
      const charts = await measure(tab);
      expect(charts).toHaveLength(4);
      for (const chart of charts) expectTidy(chart, width);

      const [, daily, cumulative] = charts as [Chart, Chart, Chart];
      // Daily sign-ups: bars on their own axis. 26/03 had 397 sign-ups, 09/04 had 17.
      const perUnit = unitHeight(daily);
      const first = daily.bars.find((b) => b.value === 397)!;
      const small = daily.bars.find((b) => b.value === 17)!;
      expect(Math.abs(first.box.height / perUnit - 397)).toBeLessThan(4);
      expect(Math.abs(small.box.height / perUnit - 17)).toBeLessThan(2);
      expect(Math.abs(first.box.height / small.box.height / (397 / 17) - 1)).toBeLessThan(0.05);
      for (const b of daily.bars) expect(Math.abs(b.box.height - b.value * perUnit)).toBeLessThan(1);
      // The running total on its own axis: the first point is 397 on that axis, the last 2 148.
      const zero = cumulative.grid.find((g) => g.value === 0)!.y;
      const perUnitTotal = unitHeight(cumulative);
      for (const p of cumulative.points) expect(Math.abs(zero - p.y - p.value * perUnitTotal)).toBeLessThan(1);
      expect(cumulative.points[0]!.value).toBe(397);
      expect(cumulative.points.at(-1)!.value).toBe(2148);
      await context.close();
    });
  }

  it('keeps the same promises with extreme figures: one day, a long label, a million sign-ups, ninety days', async () => {
    const day = (i: number) => new Date(Date.UTC(2020, 2, 1 + i)).toISOString().slice(0, 10);
    const cases: Figures[] = [
      figures([{ date: '2020-04-10', inscrits: 1, cumul: 1 }], { 'Catégorie au libellé particulièrement long, tel que la plateforme l’exporte parfois': 1 }),
      figures(Array.from({ length: 90 }, (_, i) => ({ date: day(i), inscrits: 12_345 + ((i * 7919) % 1000), cumul: 0 })).map((j, i, all) => ({ ...j, cumul: all.slice(0, i + 1).reduce((n, x) => n + x.inscrits, 0) })), { soignant: 1_234_567 }),
    ];
    const dir = tempDir();
    for (const [k, f] of cases.entries()) {
      const file = join(dir, `cas-${k}.html`);
      writeFileSync(file, htmlReport(f, { titre: 'Essai', region: 'Centre-Val de Loire', doublons: 1, rejetes: 1, genere: '10/04/2020' }));
      for (const width of [360, 1000]) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, isMobile: width < 500 });
        const tab = await context.newPage();
        await tab.goto(`file://${file}`);
        for (const chart of await measure(tab)) expectTidy(chart, width);
        expect((await tab.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(width);
        expect(await tab.locator('.kpi').allInnerTexts()).toContainEqual(expect.stringMatching(/^1\s+doublon retiré$/));
        expect(await tab.locator('footer').innerText()).toMatch(/^1 ligne rejetée, 0 désinscription non comptée\./);
        await context.close();
      }
    }
  });
});

function figures(jours: Figures['jours'], categories: Record<string, number>): Figures {
  const total = jours.at(-1)!.cumul;
  return { total, horsRegion: 0, exclus: 0, horsPeriode: 0, departements: [{ code: '45', nom: 'Loiret', total, part: 1 }], jours, categories, metiers: { Infirmier: total }, date: jours.at(-1)!.date };
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Chart {
  svg: Box;
  scale: number;
  texts: Array<{ text: string; box: Box; fontSize: number }>;
  bars: Array<{ value: number; box: Box }>;
  points: Array<{ value: number; x: number; y: number }>;
  grid: Array<{ value: number; y: number }>;
}

/** Every chart's parts as the browser drew them, in CSS pixels. */
async function measure(tab: Page): Promise<Chart[]> {
  return (await tab.evaluate(`[...document.querySelectorAll('figure svg')].map((svg) => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return {
      svg: box(svg),
      scale,
      texts: [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent, box: box(t), fontSize: parseFloat(getComputedStyle(t).fontSize) * scale })),
      bars: [...svg.querySelectorAll('rect.bar')].map((r) => ({ value: Number(r.dataset.value), box: box(r) })),
      points: [...svg.querySelectorAll('circle.point')].map((c) => { const b = box(c); return { value: Number(c.dataset.value), x: b.x + b.width / 2, y: b.y + b.height / 2 }; }),
      grid: [...svg.querySelectorAll('line.grid')].map((l) => ({ value: Number(l.dataset.value), y: box(l).y })),
    };
  })`)) as Chart[];
}

const inside = (inner: Box, outer: Box) => inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;
const overlap = (a: Box, b: Box) => Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5 && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;

/** Nothing outside the drawing, no text on a bar or on another text, and text of a readable size. */
function expectTidy(chart: Chart, width: number): void {
  expect(chart.svg.x + chart.svg.width).toBeLessThanOrEqual(width);
  for (const b of chart.bars) expect(inside(b.box, chart.svg), `barre ${b.value} coupée`).toBe(true);
  for (const p of chart.points) expect(inside({ x: p.x, y: p.y, width: 0, height: 0 }, chart.svg)).toBe(true);
  for (const [i, t] of chart.texts.entries()) {
    expect(inside(t.box, chart.svg), `« ${t.text} » coupé`).toBe(true);
    for (const b of chart.bars) expect(overlap(t.box, b.box), `« ${t.text} » sur la barre ${b.value}`).toBe(false);
    for (const u of chart.texts.slice(i + 1)) expect(overlap(t.box, u.box), `« ${t.text} » sur « ${u.text} »`).toBe(false);
    expect(t.fontSize).toBeGreaterThanOrEqual(11);
    expect(t.fontSize).toBeLessThanOrEqual(22);
  }
}

/** Pixels per sign-up on a chart's own axis, read from its labelled grid lines. */
function unitHeight(chart: Chart): number {
  const zero = chart.grid.find((g) => g.value === 0)!;
  const top = chart.grid.reduce((a, b) => (b.value > a.value ? b : a));
  expect(chart.texts.map((t) => t.text)).toContain(top.value.toLocaleString('fr-FR'));
  return (zero.y - top.y) / top.value;
}
