import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais, ROOT } from './helpers/cli.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from './helpers/chromium.js';

describe('the HTML report in a real browser', () => {
  let browser: Browser;
  let page: string;

  beforeAll(async () => {
    ensureChromium();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const dir = sampleCampaign();
    page = join(dir, 'out', 'volontaires.html');
    const { code } = await relais(['-C', dir, 'track', '--out', page]);
    expect(code).toBe(0);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the key figures, the charts and the tables on a phone, with no network', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const tab = await context.newPage();
    const requests: string[] = [];
    tab.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await tab.goto(`file://${page}`);
    await expect(tab.locator('h1').textContent()).resolves.toBe('Volontaires inscrits');
    const kpi = await tab.locator('.kpi').first().innerText();
    expect(kpi).toMatch(/^2\s?1\d\d\s+volontaires dans la région$/);
    expect(await tab.locator('figure svg').count()).toBe(3);
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
});
